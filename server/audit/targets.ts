// The target of each audited procedure, read from its input when the procedure itself does not
// name it (a refused or failed call, a mutation without its own row). A new mutation adds a line
// here; tests/integration/audit-every-mutation.test.ts fails for one that does not.
import type { AuditTargetType } from "../../lib/audit-targets";
import { haproxyServerLabel } from "../../lib/haproxy-label";
import type { Actor } from "../auth/actor";
import { db } from "../db";
import type { AuditTarget } from "./entry";

/** key: the input field holding the target's id; self: the caller; facts: short input fields worth keeping. */
type Source = { type: AuditTargetType; key?: string; self?: true; facts?: string[] };

const PROCEDURE_TARGETS: Record<string, Source> = {
  "servers.create": { type: "server" },
  "servers.update": { type: "server", key: "id" },
  "servers.delete": { type: "server", key: "id" },
  "servers.pollNow": { type: "server", key: "serverId" },
  "applications.updateSettings": { type: "instance", key: "id" },
  "groups.updateSettings": { type: "group", key: "id" },
  "catalog.updateSettings": { type: "catalog", key: "id" },
  "users.setRefreshInterval": { type: "user", self: true },
  "users.create": { type: "user" },
  "users.update": { type: "user", key: "id" },
  "users.resetPassword": { type: "user", key: "id" },
  "apiTokens.create": { type: "api_token" },
  "apiTokens.revoke": { type: "api_token", key: "id" },
  "tasks.refreshVersions": { type: "group", key: "groupId" },
  "tasks.preview": { type: "group", key: "groupId" },
  "tasks.start": { type: "group", key: "groupId" },
  "tasks.cancel": { type: "task", key: "id" },
  // A rollout names its task once created (start.ts); a refused or failed call has none yet.
  "tasks.previewRollout": { type: "task" },
  "tasks.startRollout": { type: "task" },
  "tasks.continue": { type: "task", key: "id" },
  "tasks.returnToPool": { type: "task", key: "id" },
  "tasks.retry": { type: "task", key: "id" },
  "haproxy.syncNow": { type: "haproxy_instance", key: "instanceId" },
  "haproxy.command": { type: "haproxy_server", key: "haproxyServerId", facts: ["command"] },
  // The whole bulk action; each item gets its own haproxy.command row (server/haproxy/bulk-run.ts).
  "haproxy.bulkStart": { type: "haproxy_bulk_action", facts: ["command"] },
  "haproxy.map": { type: "haproxy_server", key: "haproxyServerId" },
  "haproxy.unmap": { type: "haproxy_server", key: "haproxyServerId" },
  "haproxy.createInstance": { type: "haproxy_instance" },
  "haproxy.updateInstance": { type: "haproxy_instance", key: "id" },
  "haproxy.deleteInstance": { type: "haproxy_instance", key: "id" },
  "alerts.acknowledge": { type: "alert", key: "id" },
  "alerts.silence": { type: "alert_silence" },
  "alerts.expireSilence": { type: "alert_silence", key: "id" },
  "alerts.createRule": { type: "alert_rule" },
  "alerts.updateRule": { type: "alert_rule", key: "id" },
  "alerts.deleteRule": { type: "alert_rule", key: "id" },
  "alerts.createChannel": { type: "notification_channel" },
  "alerts.updateChannel": { type: "notification_channel", key: "id" },
  "alerts.deleteChannel": { type: "notification_channel", key: "id" },
  "alerts.testChannel": { type: "notification_channel", key: "id" },
  "statusMap.set": { type: "status_mapping" },
  "statusMap.delete": { type: "status_mapping", key: "id" },
};

/** Whether a procedure names its target here (the every-mutation test checks each one does). */
export const hasProcedureTarget = (path: string) => path in PROCEDURE_TARGETS;

const validId = (v: unknown): string | null =>
  (typeof v === "number" && Number.isSafeInteger(v) && v > 0) || (typeof v === "string" && /^[0-9a-f-]{36}$/i.test(v))
    ? String(v)
    : null;

/**
 * The target as far as the raw (unvalidated) input says, its label looked up in the database, and
 * the input's facts (short words only: the rest of an input may hold a password).
 */
export async function fromInput(
  path: string,
  rawInput: unknown,
  actor: Actor,
): Promise<{ target: AuditTarget; facts: Record<string, string> } | null> {
  const source = PROCEDURE_TARGETS[path];
  if (!source) return null;
  const input = typeof rawInput === "object" && rawInput !== null ? (rawInput as Record<string, unknown>) : {};
  const id = source.self
    ? actor.kind === "user"
      ? String(actor.id)
      : null
    : source.key
      ? validId(input[source.key])
      : null;
  const facts: Record<string, string> = {};
  for (const key of source.facts ?? []) {
    const v = input[key];
    if (typeof v === "string" && /^[a-z_]{1,30}$/.test(v)) facts[key] = v;
  }
  return {
    target: { type: source.type, id, label: id ? await targetLabel(source.type, id).catch(() => null) : null },
    facts,
  };
}

/** A readable name for a target that still exists, or null. */
export async function targetLabel(type: AuditTargetType, id: string): Promise<string | null> {
  const n = Number(id);
  switch (type) {
    case "server":
      return (await db().server.findUnique({ where: { id: n }, select: { name: true } }))?.name ?? null;
    case "instance":
      return (
        (await db().applicationInstance.findUnique({ where: { id: n }, select: { instanceName: true } }))
          ?.instanceName ?? null
      );
    case "group":
      return (await db().applicationGroup.findUnique({ where: { id: n }, select: { name: true } }))?.name ?? null;
    case "catalog":
      return (await db().applicationCatalog.findUnique({ where: { id: n }, select: { name: true } }))?.name ?? null;
    case "user":
      return (await db().user.findUnique({ where: { id: n }, select: { login: true } }))?.login ?? null;
    case "api_token":
      return (await db().apiToken.findUnique({ where: { id: n }, select: { name: true } }))?.name ?? null;
    case "task":
      return (await db().task.findUnique({ where: { id }, select: { kind: true } }))?.kind ?? null;
    case "haproxy_instance":
      return (await db().hAProxyInstance.findUnique({ where: { id: n }, select: { name: true } }))?.name ?? null;
    case "haproxy_server": {
      const s = await db().hAProxyServer.findUnique({
        where: { id: n },
        select: { serverName: true, backend: { select: { backendName: true, instance: { select: { name: true } } } } },
      });
      return s ? haproxyServerLabel(s.backend.instance.name, s.backend.backendName, s.serverName) : null;
    }
    case "alert":
      return (await db().alert.findUnique({ where: { id: n }, select: { subjectLabel: true } }))?.subjectLabel ?? null;
    case "alert_rule":
      return (await db().alertRule.findUnique({ where: { id: n }, select: { name: true } }))?.name ?? null;
    case "notification_channel":
      return (await db().notificationChannel.findUnique({ where: { id: n }, select: { name: true } }))?.name ?? null;
    case "alert_silence":
      return (await db().alertSilence.findUnique({ where: { id: n }, select: { reason: true } }))?.reason ?? null;
    case "haproxy_bulk_action":
      return (
        (await db().hAProxyBulkAction.findUnique({ where: { id: n }, select: { description: true } }))?.description ??
        null
      );
    case "status_mapping": {
      const m = await db().statusMapping.findUnique({ where: { id: n }, select: { appType: true, rawStatus: true } });
      return m ? `${m.appType} "${m.rawStatus}"` : null;
    }
  }
}
