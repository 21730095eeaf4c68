// The heart of polling, as a pure function: a server's stored instances + the agent's reply
// → what must be written. No I/O here, so every rule of docs/inventory.md ("Reconciliation") is tested directly.
import type { ParsedApp } from "../agent/contract";
import type { AppType, EventType, InstanceStatus } from "../generated/prisma/enums";
import { parseInstanceName } from "./grouping";
import { normalizeStatus } from "./status";
import type { StatusMap } from "./status-map";

/** The columns an agent reports; written on create and compared on every poll. */
export type AgentFields = {
  containerId: string | null;
  containerName: string | null;
  composeProjectDir: string | null;
  image: string | null;
  tag: string | null;
  eurekaUrl: string | null;
  eurekaRegistered: boolean | null;
  path: string | null;
  logPath: string | null;
  version: string | null;
  distrPath: string | null;
  ip: string | null;
  port: number | null;
  pid: number | null;
  startTime: Date | null;
  status: InstanceStatus;
  /** As the agent sent it; `status` is what the status map made of it. */
  rawStatus: string | null;
};

export type StoredInstance = AgentFields & {
  id: number;
  instanceName: string;
  appType: AppType;
  groupId: number | null;
  catalogId: number | null;
  instanceNumber: number;
};

export type GroupLink = { groupId: number; catalogId: number };

export type Reconciliation = {
  creates: (AgentFields & {
    instanceName: string;
    appType: AppType;
    instanceNumber: number;
    groupId: number;
    catalogId: number;
    lastSeen: Date;
  })[];
  updates: {
    id: number;
    data: Partial<AgentFields> & { groupId?: number; catalogId?: number; instanceNumber?: number; lastSeen: Date };
  }[];
  /** Instances the agent no longer reports: become offline, last_seen = now. */
  vanished: number[];
  history: {
    instanceId: number;
    instanceName: string;
    oldVersion: string | null;
    newVersion: string | null;
    oldTag: string | null;
    newTag: string | null;
    oldImage: string | null;
    newImage: string | null;
    oldDistrPath: string | null;
    newDistrPath: string | null;
  }[];
  events: { instanceId: number; eventType: EventType; description: string; status: string }[];
};

export const instanceKey = (appType: string, instanceName: string) => `${appType}\u0000${instanceName}`;

/** Without an admin's map: the defaults of status.ts. */
const defaultNormalize: StatusMap["normalize"] = (_, raw) => normalizeStatus(raw);

export function agentFields(app: ParsedApp, normalize: StatusMap["normalize"] = defaultNormalize): AgentFields {
  const docker = app.appType === "docker" ? app : null;
  const hosted = app.appType === "docker" ? null : app;
  return {
    containerId: docker?.containerId ?? null,
    containerName: docker?.containerName ?? null,
    composeProjectDir: docker?.composeProjectDir ?? null,
    image: docker?.image ?? null,
    tag: docker?.tag ?? null,
    eurekaUrl: docker?.eurekaUrl ?? null,
    eurekaRegistered: docker?.eurekaRegistered ?? null,
    path: hosted?.path ?? null,
    logPath: hosted?.logPath ?? null,
    version: app.version,
    distrPath: hosted?.distrPath ?? null,
    ip: app.ip,
    port: app.port,
    pid: app.pid,
    startTime: app.startTime,
    status: normalize(app.appType, app.status),
    rawStatus: app.status,
  };
}

const same = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;

function changedFields(stored: StoredInstance, next: AgentFields): Partial<AgentFields> {
  const changes: Partial<AgentFields> = {};
  for (const key of Object.keys(next) as (keyof AgentFields)[]) {
    if (!same(stored[key], next[key])) (changes as Record<string, unknown>)[key] = next[key];
  }
  return changes;
}

/** docs/inventory.md, "Version history": an existing instance, version or tag changed, and the new value not empty. */
export function isVersionChange(
  stored: Pick<AgentFields, "version" | "tag">,
  next: Pick<AgentFields, "version" | "tag">,
) {
  const changed = stored.version !== next.version || stored.tag !== next.tag;
  return changed && !!(next.version || next.tag);
}

function statusEvent(old: InstanceStatus, next: InstanceStatus): EventType | null {
  if (old === next || old === "no_data") return null; // no_data → x is the server coming back: its connect event says it
  if (next === "online") return "start";
  if (next === "offline") return "stop";
  return null;
}

const label = (v: { version: string | null; tag: string | null }) => v.version ?? v.tag ?? "none";

type VersionFields = Pick<AgentFields, "version" | "tag" | "image" | "distrPath">;

/** The old and new values a version history row keeps. */
export const versionChangeFields = (old: VersionFields, next: VersionFields) => ({
  oldVersion: old.version,
  newVersion: next.version,
  oldTag: old.tag,
  newTag: next.tag,
  oldImage: old.image,
  newImage: next.image,
  oldDistrPath: old.distrPath,
  newDistrPath: next.distrPath,
});

/** The text of an update event, whoever saw the change (a poll, or an update task with its `notes`). */
export const updateEventText = (
  instanceName: string,
  old: Pick<AgentFields, "version" | "tag">,
  next: Pick<AgentFields, "version" | "tag">,
  notes?: string,
) => `${instanceName}: ${label(old)} → ${label(next)}${notes ? ` (${notes})` : ""}`;

export function reconcile(
  stored: StoredInstance[],
  apps: ParsedApp[],
  groups: ReadonlyMap<string, GroupLink>,
  now: Date,
  /** Entries the agent sent but that broke the contract: their stored instances are left as they are. */
  unreadable: { appType: AppType; instanceName: string }[] = [],
  normalize: StatusMap["normalize"] = defaultNormalize,
): Reconciliation {
  const result: Reconciliation = { creates: [], updates: [], vanished: [], history: [], events: [] };
  const byKey = new Map(stored.map((row) => [instanceKey(row.appType, row.instanceName), row]));
  const seen = new Set<string>();
  const untouched = new Set(unreadable.map((u) => instanceKey(u.appType, u.instanceName)));

  for (const app of apps) {
    const key = instanceKey(app.appType, app.instanceName);
    // parseAppsReply already rejected later entries with a name seen before; stay safe anyway.
    if (seen.has(key)) continue;
    seen.add(key);
    const next = agentFields(app, normalize);
    const { groupName, instanceNumber } = parseInstanceName(app.instanceName);
    const link = groups.get(groupName);
    if (!link) throw new Error(`group "${groupName}" was not resolved before reconcile`);
    const row = byKey.get(key);
    if (!row) {
      // Added to `next` rather than spread into a new object: a spread plus six keys made each of a
      // first cycle's 50,000 rows a slow object, 10 µs apiece (docs/performance.md, "Batched writes").
      result.creates.push(
        Object.assign(next, {
          instanceName: app.instanceName,
          appType: app.appType,
          instanceNumber,
          groupId: link.groupId,
          catalogId: link.catalogId,
          lastSeen: now,
        }),
      );
      continue;
    }
    const changes = changedFields(row, next);
    const relink =
      row.groupId !== link.groupId || row.catalogId !== link.catalogId || row.instanceNumber !== instanceNumber;
    if (Object.keys(changes).length === 0 && !relink) continue;
    result.updates.push({
      id: row.id,
      data: { ...changes, ...(relink ? { ...link, instanceNumber } : {}), lastSeen: now },
    });

    if (isVersionChange(row, next)) {
      result.history.push({ instanceId: row.id, instanceName: row.instanceName, ...versionChangeFields(row, next) });
      result.events.push({
        instanceId: row.id,
        eventType: "update",
        status: next.status,
        description: updateEventText(app.instanceName, row, next),
      });
    }
    // The same raw status read differently is the status map changing, not the app: no event.
    const event = row.rawStatus === next.rawStatus ? null : statusEvent(row.status, next.status);
    if (event) {
      result.events.push({
        instanceId: row.id,
        eventType: event,
        status: next.status,
        description: `${app.instanceName} is ${next.status} (was ${row.status})`,
      });
    } else if (
      row.status === "online" &&
      next.status === "online" &&
      row.startTime &&
      next.startTime &&
      !same(row.startTime, next.startTime)
    ) {
      result.events.push({
        instanceId: row.id,
        eventType: "restart",
        status: next.status,
        description: `${app.instanceName} restarted`,
      });
    }
  }

  for (const row of stored) {
    const key = instanceKey(row.appType, row.instanceName);
    if (seen.has(key) || untouched.has(key) || row.status === "offline") continue;
    result.vanished.push(row.id);
    if (row.status === "online") {
      result.events.push({
        instanceId: row.id,
        eventType: "stop",
        status: "offline",
        description: `${row.instanceName} is no longer reported by the agent`,
      });
    }
  }
  return result;
}
