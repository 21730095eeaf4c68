// The record of what happened: the action log (every command attempt, read from the audit log,
// docs/audit.md), a server's status history, and one server's page (state, mapping, history).
import { z } from "zod";
import { HAPROXY_COMMANDS } from "../agent/haproxy-contract";
import { db, type Prisma } from "../db";
import { notFound } from "../errors";
import { pageArgs, pageInput, pageResult } from "../pagination";
import { haproxyServerSelect } from "./queries";
import { positiveId as id, storedDate } from "../../lib/schemas";

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
  from: storedDate.optional(),
  to: storedDate.optional(),
});

const COMMAND_ACTION = "haproxy.command";
const resultOf = { success: "success", failure: "failed", refused: "refused" } as const;

export async function listActions(input: z.output<typeof actionListInput>) {
  const json = (key: string, equals: string | number | undefined): Prisma.AuditEntryWhereInput =>
    equals === undefined ? {} : { details: { path: [key], equals } };
  const where: Prisma.AuditEntryWhereInput = {
    AND: [
      { action: COMMAND_ACTION },
      input.haproxyServerId ? { targetType: "haproxy_server", targetId: String(input.haproxyServerId) } : {},
      input.result ? { outcome: input.result === "failed" ? "failure" : input.result } : {},
      input.taskId ? { taskId: input.taskId } : {},
      json("instanceId", input.instanceId),
      json("command", input.command),
      // A task's commands are its job's rows, on behalf of who started it.
      input.actor ? { OR: [{ actorName: input.actor }, json("startedBy", input.actor)] } : {},
      input.q ? { targetLabel: { contains: input.q, mode: "insensitive" } } : {},
      input.from || input.to ? { createdAt: { gte: input.from, lte: input.to } } : {},
    ],
  };
  const [rows, total] = await Promise.all([
    db().auditEntry.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(input) }),
    db().auditEntry.count({ where }),
  ]);
  const items = rows.map((r) => {
    const details = (r.details ?? {}) as { command?: string; durationMs?: number; startedBy?: string };
    return {
      id: r.id,
      actor: details.startedBy ?? r.actorName,
      command: details.command ?? "?",
      target: r.targetLabel ?? "",
      haproxyServerId: r.targetId ? Number(r.targetId) : null,
      result: resultOf[r.outcome],
      error: r.error,
      durationMs: details.durationMs ?? null,
      taskId: r.taskId,
      createdAt: r.createdAt,
    };
  });
  return pageResult(items, total, input);
}

/** Who appears in the newest 5,000 commands, for the actor filter (bounded: the audit log is large). */
export async function actionActors(): Promise<string[]> {
  const rows = await db().$queryRaw<{ name: string }[]>`
    SELECT DISTINCT COALESCE(details ->> 'startedBy', actor_name) AS name FROM (
      SELECT actor_name, details FROM audit_log WHERE action = ${COMMAND_ACTION} ORDER BY created_at DESC, id DESC LIMIT 5000
    ) recent ORDER BY 1 LIMIT 500`;
  return rows.map((r) => r.name);
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
