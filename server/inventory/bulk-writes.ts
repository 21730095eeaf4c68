// The statements of a poll's write transaction, in raw SQL; the rows as one JSON parameter each.
// Why not Prisma's createMany / update: Prisma 7 compiles every createMany anew (3.5 ms of CPU
// plus 0.5 ms per row of 20 columns, prisma/orm#29382) and an update per changed row adds
// 0.85 ms each; the poller's CPU was the bottleneck of a churn cycle (docs/performance.md).
import { Prisma } from "../db";
import type { Reconciliation, StoredInstance } from "./reconcile";

type Tx = Pick<Prisma.TransactionClient, "$executeRaw" | "$queryRaw">;

/** A JSON key of a row, its column and its SQL type. */
type Column = readonly [key: string, column: string, type: string];

const agentColumns: Column[] = [
  ["containerId", "container_id", "text"],
  ["containerName", "container_name", "text"],
  ["composeProjectDir", "compose_project_dir", "text"],
  ["image", "image", "text"],
  ["tag", "tag", "text"],
  ["eurekaUrl", "eureka_url", "text"],
  ["eurekaRegistered", "eureka_registered", "boolean"],
  ["path", "path", "text"],
  ["logPath", "log_path", "text"],
  ["version", "version", "text"],
  ["distrPath", "distr_path", "text"],
  ["ip", "ip", "text"],
  ["port", "port", "integer"],
  ["pid", "pid", "integer"],
  ["startTime", "start_time", "timestamp(3)"],
  ["status", "status", '"InstanceStatus"'],
];
const linkColumns: Column[] = [
  ["groupId", "group_id", "integer"],
  ["catalogId", "catalog_id", "integer"],
  ["instanceNumber", "instance_number", "integer"],
];

// Dates become ISO strings; cast to timestamp(3) (without zone) they read back as UTC, as Prisma stores them.
const json = (rows: unknown[]) => JSON.stringify(rows);

/** What reconcile compares the agent's reply with. Prisma's findMany compiled its query on every call. */
export function readStoredInstances(tx: Tx, serverId: number): Promise<StoredInstance[]> {
  const enums = new Set(["app_type", "status"]);
  const columns = [["id", "id"], ["instanceName", "instance_name"], ["appType", "app_type"], ...linkColumns, ...agentColumns].map(
    ([key, column]) => `"${column}"${enums.has(column!) ? "::text" : ""} AS "${key}"`,
  );
  return tx.$queryRaw<StoredInstance[]>`SELECT ${list(columns)} FROM application_instances WHERE server_id = ${serverId}`;
}

/** Instances the agent no longer reports. */
export async function markVanished(tx: Tx, ids: number[], now: Date) {
  if (ids.length === 0) return;
  const at = now.toISOString();
  await tx.$executeRaw`UPDATE application_instances SET status = 'offline', last_seen = ${at}::timestamp(3), updated_at = ${at}::timestamp(3)
    WHERE id = ANY(${ids}::int[])`;
}
const list = (parts: string[]) => Prisma.raw(parts.join(", "));
const recordType = (columns: Column[]) => list(columns.map(([key, , type]) => `"${key}" ${type}`));

/** INSERT … SELECT FROM jsonb_to_recordset: the JSON keys name the columns. */
async function insertRows(tx: Tx, table: string, columns: Column[], rows: object[]) {
  if (rows.length === 0) return;
  const target = list(columns.map(([, column]) => `"${column}"`));
  const source = list(columns.map(([key]) => `r."${key}"`));
  await tx.$executeRaw`INSERT INTO ${Prisma.raw(table)} (${target})
    SELECT ${source} FROM jsonb_to_recordset(${json(rows)}::jsonb) AS r(${recordType(columns)})`;
}

export function insertInstances(tx: Tx, serverId: number, rows: Reconciliation["creates"], now: Date) {
  const columns: Column[] = [
    ["serverId", "server_id", "integer"], ["instanceName", "instance_name", "text"], ["appType", "app_type", '"AppType"'],
    ["lastSeen", "last_seen", "timestamp(3)"], ["createdAt", "created_at", "timestamp(3)"], ["updatedAt", "updated_at", "timestamp(3)"],
    ...linkColumns, ...agentColumns,
  ];
  return insertRows(tx, "application_instances", columns, rows.map((row) => ({ ...row, serverId, createdAt: now, updatedAt: now })));
}

/** Each update carries only the fields that changed: a column absent from a row keeps its value. */
export async function updateInstances(tx: Tx, updates: Reconciliation["updates"], now: Date) {
  if (updates.length === 0) return;
  const sets = [...agentColumns, ...linkColumns].map(
    ([key, column, type]) => `"${column}" = CASE WHEN u.d ? '${key}' THEN (u.d->>'${key}')::${type} ELSE i."${column}" END`,
  );
  const rows = updates.map(({ id, data }) => ({ ...data, id }));
  await tx.$executeRaw`UPDATE application_instances AS i
    SET ${list(sets)}, last_seen = (u.d->>'lastSeen')::timestamp(3), updated_at = ${now.toISOString()}::timestamp(3)
    FROM jsonb_array_elements(${json(rows)}::jsonb) AS u(d)
    WHERE i.id = (u.d->>'id')::integer`;
}

export function insertHistory(tx: Tx, rows: (Reconciliation["history"][number] & { serverName: string; changedAt: Date })[]) {
  const columns: Column[] = [
    ["instanceId", "instance_id", "integer"], ["serverName", "server_name", "text"], ["instanceName", "instance_name", "text"],
    ["oldVersion", "old_version", "text"], ["newVersion", "new_version", "text"], ["oldTag", "old_tag", "text"], ["newTag", "new_tag", "text"],
    ["oldImage", "old_image", "text"], ["newImage", "new_image", "text"], ["oldDistrPath", "old_distr_path", "text"], ["newDistrPath", "new_distr_path", "text"],
    ["changedAt", "changed_at", "timestamp(3)"], ["changedBy", "changed_by", '"ChangedBy"'], ["changeSource", "change_source", '"ChangeSource"'],
  ];
  return insertRows(tx, "application_version_history", columns, rows.map((row) => ({ ...row, changedBy: "agent", changeSource: "polling" })));
}

export function insertEvents(tx: Tx, rows: { serverId: number; instanceId?: number | null; eventType: string; status: string; description: string; timestamp: Date }[]) {
  const columns: Column[] = [
    ["serverId", "server_id", "integer"], ["instanceId", "instance_id", "integer"], ["eventType", "event_type", '"EventType"'],
    ["status", "status", "text"], ["description", "description", "text"], ["timestamp", "timestamp", "timestamp(3)"],
  ];
  return insertRows(tx, "events", columns, rows);
}
