// drain / ready / maint on one HAProxy server. Every attempt is an audit row (action
// "haproxy.command", docs/audit.md): through the caller's sink — the tRPC call's `ctx.audit`, or
// the update task's job sink — refused ones by the tRPC middleware. After a command the server's
// state is read again from the agent and stored. The update-task runner (docs/update-tasks.md)
// calls runServerCommand and serversMappedToInstances.
import { z } from "zod";
import { AgentError } from "../agent/client";
import { HAPROXY_COMMANDS, type HaproxyCommand } from "../agent/haproxy-contract";
import { jobAudit, userIdOfActorName } from "../audit/jobs";
import type { AuditSink } from "../audit/recorder";
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
  /** Who asked (login, token:<name>): without `audit`, the row is a job's on this person's behalf. */
  actor: string;
  taskId?: string | null;
  audit?: AuditSink;
  /** A task runner's last check, after the database read, before the command goes out: false = not sent (server/tasks/fence.ts). */
  mayProceed?: () => boolean;
  /** false: the caller announces the read-back on the change feed for a batch of commands (bulk-run.ts). */
  announce?: boolean;
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
  else if (input.mayProceed && !input.mayProceed())
    result = failed("not sent: the update task's runner no longer holds its lease");
  else result = await perform(instance, server, input.command, input.announce ?? true);

  const audit =
    input.audit ??
    jobAudit({
      job: input.taskId ? "update-task" : "haproxy",
      action: "haproxy.command",
      startedBy: { name: input.actor, userId: await userIdOfActorName(input.actor) },
      taskId: input.taskId ?? null,
    });
  await audit.record(db(), {
    target: { type: "haproxy_server", id: server?.id ?? input.haproxyServerId, label },
    changes:
      result.ok && result.status !== server?.status
        ? { status: { from: server?.status ?? null, to: result.status } }
        : null,
    details: {
      command: input.command,
      instanceId: instance?.id ?? null,
      durationMs: Math.max(0, Math.round(o.now() - started)),
    },
    outcome: result.ok ? "success" : "failure",
    error: result.error,
    taskId: input.taskId ?? null,
  });
  return result;
}

const failed = (error: string): CommandResult => ({ ok: false, status: null, error });

async function perform(
  instance: Parameters<typeof sendCommand>[0],
  server: CommandTarget,
  command: ServerCommand,
  announce: boolean,
): Promise<CommandResult> {
  const { serverName } = server;
  const backend = server.backend.backendName;
  try {
    await sendCommand(instance, backend, serverName, command);
  } catch (error) {
    return failed(errorMessage(error));
  }
  try {
    const live = (await readServers(instance, backend, { fresh: true })).find((s) => s.name === serverName);
    if (!live)
      return { ok: true, status: null, error: `command sent, but ${serverName} is no longer listed in ${backend}` };
    await storeServerState(server.id, server.status, live, new Date(haproxyOptions().now()), { announce });
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

type CommandTarget = Prisma.HAProxyServerGetPayload<{ select: typeof commandTargetSelect }>;

const serverLabel = (server: CommandTarget) =>
  haproxyServerLabel(server.backend.instance.name, server.backend.backendName, server.serverName);

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
