// drain / ready / maint on one HAProxy server. Every attempt is written to haproxy_actions,
// refused ones included (a bounded number per caller, see recordRefusedCommand); after a command
// the server's state is read again from the agent and stored. The update-task runner
// (docs/update-tasks.md) calls runServerCommand and serversMappedToInstances.
import { z } from "zod";
import { AgentError } from "../agent/client";
import { HAPROXY_COMMANDS, type HaproxyCommand } from "../agent/haproxy-contract";
import type { Actor } from "../auth/actor";
import { actorName } from "../auth/actor";
import { permissions } from "../auth/roles";
import { db, type Prisma } from "../db";
import { messageForUsers } from "../error-report";
import { CircuitOpenError } from "./breaker";
import { instanceTargetSelect, readServers, sendCommand } from "./live";
import { DISABLED_MESSAGE, haproxyOptions } from "./settings";
import { storeServerState } from "./sync-store";
import { positiveId } from "../../lib/schemas";
import { errorMessage } from "../../lib/errors";
import { haproxyServerLabel } from "../../lib/haproxy-label";

export type ServerCommand = HaproxyCommand;
export type CommandResult = { ok: boolean; status: string | null; error: string | null };

export const commandInput = z.object({
  haproxyServerId: positiveId,
  command: z.enum(HAPROXY_COMMANDS, { error: `must be one of ${HAPROXY_COMMANDS.join(", ")}` }),
});

const commandTargetSelect = {
  id: true,
  serverName: true,
  status: true,
  removedAt: true,
  backend: { select: { backendName: true, removedAt: true, instance: { select: instanceTargetSelect } } },
} as const;

/** Performs the command through the agent; never throws for agent failures (ok: false with the reason). */
export async function runServerCommand(input: {
  haproxyServerId: number;
  command: ServerCommand;
  actor: string;
  taskId?: string | null;
}): Promise<CommandResult> {
  const o = haproxyOptions();
  const started = o.now();
  const server = await db().hAProxyServer.findUnique({
    where: { id: input.haproxyServerId },
    select: commandTargetSelect,
  });
  const instance = server?.backend.instance;
  const label = server ? serverLabel(server) : `HAProxy server #${input.haproxyServerId}`;

  let result: CommandResult;
  if (!server || !instance) result = failed(`${label} does not exist`);
  else if (!o.enabled) result = failed(DISABLED_MESSAGE);
  else if (server.removedAt || server.backend.removedAt)
    result = failed(`${label} is no longer in HAProxy (removed at the last sync)`);
  else
    result = await perform(
      instance,
      server.backend.backendName,
      server.serverName,
      server.id,
      server.status,
      input.command,
    );

  await recordAction({
    actor: input.actor,
    command: input.command,
    server,
    label,
    result: result.ok ? "success" : "failed",
    error: result.error,
    durationMs: Math.max(0, Math.round(o.now() - started)),
    taskId: input.taskId ?? null,
  });
  return result;
}

const failed = (error: string): CommandResult => ({ ok: false, status: null, error });

async function perform(
  instance: Parameters<typeof sendCommand>[0],
  backend: string,
  serverName: string,
  serverId: number,
  previousStatus: string | null,
  command: ServerCommand,
): Promise<CommandResult> {
  try {
    await sendCommand(instance, backend, serverName, command);
  } catch (error) {
    return failed(errorMessage(error));
  }
  try {
    const live = (await readServers(instance, backend, { fresh: true })).find((s) => s.name === serverName);
    if (!live)
      return { ok: true, status: null, error: `command sent, but ${serverName} is no longer listed in ${backend}` };
    await storeServerState(serverId, previousStatus, live, new Date(haproxyOptions().now()));
    return { ok: true, status: live.status, error: null };
  } catch (error) {
    const reason = messageForUsers(
      `haproxy ${command} ${backend}/${serverName}`,
      error,
      error instanceof AgentError || error instanceof CircuitOpenError,
    );
    return { ok: true, status: null, error: `command sent; its state could not be read back: ${reason}` };
  }
}

/**
 * Refusals written one by one per caller in each window; further ones in the window only raise the
 * count on the newest row ("… and 7 more refusals"), so a viewer cannot grow the log without bound
 * (docs/haproxy.md, "Commands").
 */
export const REFUSAL_AUDIT = { rowsPerWindow: 10, windowMs: 10 * 60_000 };
const moreRefusals = / \(and (\d+) more refusals? not listed one by one\)$/;
// Key space of the advisory lock that serialises one caller's refusals across AC processes.
const REFUSAL_LOCK = 0x4a7c;

/** A caller without the role asked: written down as refused (when the input names a server), then FORBIDDEN. */
export async function recordRefusedCommand(actor: Actor, rawInput: unknown): Promise<void> {
  const parsed = commandInput.safeParse(rawInput);
  if (!parsed.success) return; // nothing identifiable was asked for
  const name = actorName(actor);
  await db().$transaction(async (tx) => {
    // The count below is exact only while no other refusal of this caller is being written.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${REFUSAL_LOCK}::int, hashtext(${name}))`;
    const recent = await tx.hAProxyAction.findMany({
      where: { actor: name, result: "refused", createdAt: { gte: new Date(Date.now() - REFUSAL_AUDIT.windowMs) } },
      orderBy: { id: "desc" },
      take: REFUSAL_AUDIT.rowsPerWindow,
      select: { id: true, error: true },
    });
    if (recent.length >= REFUSAL_AUDIT.rowsPerWindow) {
      const newest = recent[0]!;
      const error = newest.error ?? "";
      const more = Number(moreRefusals.exec(error)?.[1] ?? 0) + 1;
      const counted = `${error.replace(moreRefusals, "")} (and ${more} more refusal${more === 1 ? "" : "s"} not listed one by one)`;
      await tx.hAProxyAction.update({ where: { id: newest.id }, data: { error: counted } });
      return;
    }
    const server = await tx.hAProxyServer.findUnique({
      where: { id: parsed.data.haproxyServerId },
      select: commandTargetSelect,
    });
    await recordAction(
      {
        actor: name,
        command: parsed.data.command,
        server,
        label: server ? serverLabel(server) : `HAProxy server #${parsed.data.haproxyServerId}`,
        result: "refused",
        error: `needs the ${permissions["haproxy.command"]} role; ${name} is ${actor.role}`,
        durationMs: 0,
        taskId: null,
      },
      tx,
    );
  });
}

type CommandTarget = Prisma.HAProxyServerGetPayload<{ select: typeof commandTargetSelect }>;

const serverLabel = (server: CommandTarget) =>
  haproxyServerLabel(server.backend.instance.name, server.backend.backendName, server.serverName);

/** The one insert into haproxy_actions, for done, failed and refused commands alike. */
async function recordAction(
  a: Pick<
    Prisma.HAProxyActionUncheckedCreateInput,
    "actor" | "command" | "result" | "error" | "durationMs" | "taskId"
  > & {
    server: CommandTarget | null;
    label: string;
  },
  client: Pick<Prisma.TransactionClient, "hAProxyAction"> = db(),
): Promise<void> {
  await client.hAProxyAction.create({
    data: {
      actor: a.actor,
      command: a.command,
      haproxyInstanceId: a.server?.backend.instance.id ?? null,
      haproxyServerId: a.server?.id ?? null,
      target: a.label,
      result: a.result,
      error: a.error,
      durationMs: a.durationMs,
      taskId: a.taskId,
      createdAt: new Date(), // the app's clock, which the refusal window above is measured with
    },
  });
}

/** Live (not removed) HAProxy servers mapped to these application instances; label "lb1/web_backend/web1". */
export async function serversMappedToInstances(
  instanceIds: number[],
): Promise<{ haproxyServerId: number; instanceId: number; label: string; status: string | null }[]> {
  if (instanceIds.length === 0) return [];
  const rows = await db().hAProxyServer.findMany({
    where: { applicationInstanceId: { in: instanceIds }, removedAt: null, backend: { removedAt: null } },
    select: {
      id: true,
      serverName: true,
      status: true,
      applicationInstanceId: true,
      backend: { select: { backendName: true, instance: { select: { name: true } } } },
    },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({
    haproxyServerId: r.id,
    instanceId: r.applicationInstanceId!,
    label: haproxyServerLabel(r.backend.instance.name, r.backend.backendName, r.serverName),
    status: r.status,
  }));
}
