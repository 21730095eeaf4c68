// The record of what happened: the action log (every command attempt), a server's status
// history, and one server's page (state, mapping, history, recent actions).
import { z } from "zod";
import { HAPROXY_COMMANDS } from "../agent/haproxy-contract";
import { db, type Prisma } from "../db";
import { notFound } from "../errors";
import { pageArgs, pageInput, pageResult } from "../pagination";
import { haproxyServerSelect } from "./queries";
import { positiveId as id } from "../../lib/schemas";

export const actionListInput = pageInput.extend({
  instanceId: id.optional(),
  haproxyServerId: id.optional(),
  command: z.enum(HAPROXY_COMMANDS).optional(),
  result: z.enum(["success", "failed", "refused"]).optional(),
  /** Exact login, or token:<name>. */
  actor: z.string().trim().max(100).optional(),
  taskId: z.uuid("not a task id").optional(),
  /** Part of the target ("lb1/web_backend/web1"). */
  q: z.string().trim().max(100).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});

export async function listActions(input: z.output<typeof actionListInput>) {
  const where: Prisma.HAProxyActionWhereInput = {
    haproxyInstanceId: input.instanceId,
    haproxyServerId: input.haproxyServerId,
    command: input.command,
    result: input.result,
    actor: input.actor,
    taskId: input.taskId,
    ...(input.q ? { target: { contains: input.q, mode: "insensitive" } } : {}),
    ...(input.from || input.to ? { createdAt: { gte: input.from, lte: input.to } } : {}),
  };
  const [items, total] = await Promise.all([
    db().hAProxyAction.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(input) }),
    db().hAProxyAction.count({ where }),
  ]);
  return pageResult(items, total, input);
}

/** Who appears in the log, for the actor filter. */
export async function actionActors(): Promise<string[]> {
  const rows = await db().hAProxyAction.findMany({
    distinct: ["actor"],
    select: { actor: true },
    orderBy: { actor: "asc" },
    take: 500,
  });
  return rows.map((r) => r.actor);
}

export const historyInput = pageInput.extend({ haproxyServerId: id });

export async function statusHistory(input: z.output<typeof historyInput>) {
  if (!(await db().hAProxyServer.findUnique({ where: { id: input.haproxyServerId }, select: { id: true } })))
    throw notFound("HAProxy server");
  const where = { haproxyServerId: input.haproxyServerId };
  const [items, total] = await Promise.all([
    db().hAProxyServerStatusHistory.findMany({
      where,
      orderBy: [{ changedAt: "desc" }, { id: "desc" }],
      ...pageArgs(input),
    }),
    db().hAProxyServerStatusHistory.count({ where }),
  ]);
  return pageResult(items, total, input);
}

export async function serverDetail(haproxyServerId: number) {
  const server = await db().hAProxyServer.findUnique({
    where: { id: haproxyServerId },
    select: {
      ...haproxyServerSelect,
      createdAt: true,
      updatedAt: true,
      backend: {
        select: {
          id: true,
          backendName: true,
          removedAt: true,
          instance: { select: { id: true, name: true, server: { select: { id: true, name: true } } } },
        },
      },
    },
  });
  if (!server) throw notFound("HAProxy server");
  return server;
}

/** The HAProxy servers mapped to one application instance (its page shows them). */
export async function serversOfInstance(applicationInstanceId: number) {
  return db().hAProxyServer.findMany({
    where: { applicationInstanceId, removedAt: null, backend: { removedAt: null } },
    select: {
      ...haproxyServerSelect,
      backend: { select: { id: true, backendName: true, instance: { select: { id: true, name: true } } } },
    },
    orderBy: [{ backend: { instance: { name: "asc" } } }, { backend: { backendName: "asc" } }, { serverName: "asc" }],
  });
}
