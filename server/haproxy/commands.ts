// drain / ready / maint on one HAProxy server. Every attempt is written to haproxy_actions,
// refused ones included; after a command the server's state is read again from the agent and
// stored. The update-task runner (docs/update-tasks.md) calls runServerCommand and serversMappedToInstances.
import { z } from "zod";
import { HAPROXY_COMMANDS, type HaproxyCommand } from "../agent/haproxy-contract";
import type { Actor } from "../auth/actor";
import { actorName } from "../auth/actor";
import { permissions } from "../auth/roles";
import { db } from "../db";
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
  const server = await db().hAProxyServer.findUnique({ where: { id: input.haproxyServerId }, select: commandTargetSelect });
  const instance = server?.backend.instance;
  const label = server ? haproxyServerLabel(instance!.name, server.backend.backendName, server.serverName) : `HAProxy server #${input.haproxyServerId}`;

  let result: CommandResult;
  if (!server || !instance) result = failed(`${label} does not exist`);
  else if (!o.enabled) result = failed(DISABLED_MESSAGE);
  else if (server.removedAt || server.backend.removedAt) result = failed(`${label} is no longer in HAProxy (removed at the last sync)`);
  else result = await perform(instance, server.backend.backendName, server.serverName, server.id, server.status, input.command);

  await db().hAProxyAction.create({
    data: {
      actor: input.actor,
      command: input.command,
      haproxyInstanceId: instance?.id ?? null,
      haproxyServerId: server?.id ?? null,
      target: label,
      result: result.ok ? "success" : "failed",
      error: result.error,
      durationMs: Math.max(0, Math.round(o.now() - started)),
      taskId: input.taskId ?? null,
    },
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
    if (!live) return { ok: true, status: null, error: `command sent, but ${serverName} is no longer listed in ${backend}` };
    await storeServerState(serverId, previousStatus, live, new Date(haproxyOptions().now()));
    return { ok: true, status: live.status, error: null };
  } catch (error) {
    return { ok: true, status: null, error: `command sent; its state could not be read back: ${errorMessage(error)}` };
  }
}

/** A caller without the role asked: written down as refused (when the input names a server), then FORBIDDEN. */
export async function recordRefusedCommand(actor: Actor, rawInput: unknown): Promise<void> {
  const parsed = commandInput.safeParse(rawInput);
  if (!parsed.success) return; // nothing identifiable was asked for
  const server = await db().hAProxyServer.findUnique({ where: { id: parsed.data.haproxyServerId }, select: commandTargetSelect });
  await db().hAProxyAction.create({
    data: {
      actor: actorName(actor),
      command: parsed.data.command,
      haproxyInstanceId: server?.backend.instance.id ?? null,
      haproxyServerId: server?.id ?? null,
      target: server ? haproxyServerLabel(server.backend.instance.name, server.backend.backendName, server.serverName) : `HAProxy server #${parsed.data.haproxyServerId}`,
      result: "refused",
      error: `needs the ${permissions["haproxy.command"]} role; ${actorName(actor)} is ${actor.role}`,
      durationMs: 0,
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
    select: { id: true, serverName: true, status: true, applicationInstanceId: true, backend: { select: { backendName: true, instance: { select: { name: true } } } } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({
    haproxyServerId: r.id,
    instanceId: r.applicationInstanceId!,
    label: haproxyServerLabel(r.backend.instance.name, r.backend.backendName, r.serverName),
    status: r.status,
  }));
}
