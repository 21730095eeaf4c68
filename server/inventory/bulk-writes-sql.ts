// The statements of a poll's write transaction, in SQL on a pooled pg client; the rows as one
// JSON parameter each. Why not Prisma here: docs/architecture.md, "Data access" (Prisma 7 compiles
// every createMany anew and costs about 1 ms of CPU per statement; the poller's CPU bounds a churn
// cycle, docs/performance.md). Times travel as ISO strings both ways: pg would read a
// `timestamp without time zone` as local time, where Prisma (and AC) mean UTC.
import type { PgTx as Tx } from "../db";
import type { Reconciliation, StoredInstance } from "./reconcile";

/** A JSON key of a row, its column and its SQL type. */
export type Column = readonly [key: string, column: string, type: string];

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
  ["rawStatus", "raw_status", "text"],
];
const linkColumns: Column[] = [
  ["groupId", "group_id", "integer"],
  ["catalogId", "catalog_id", "integer"],
  ["instanceNumber", "instance_number", "integer"],
];

// Dates become ISO strings; cast to timestamp(3) (without zone) the "Z" is dropped: UTC, as Prisma stores them.
const json = (rows: unknown[]) => JSON.stringify(rows);
const isoUtc = (column: string) => `to_char("${column}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** What reconcile compares the agent's reply with. */
export async function readStoredInstances(tx: Tx, serverId: number): Promise<StoredInstance[]> {
  const columns = [
    ["id", "id", "integer"],
    ["instanceName", "instance_name", "text"],
    ["appType", "app_type", "text"],
    ...linkColumns,
    ...agentColumns,
  ].map(
    ([key, column, type]) =>
      `${type.startsWith("timestamp") ? isoUtc(column!) : `"${column}"::${type === "integer" || type === "boolean" ? type : "text"}`} AS "${key}"`,
  );
  const { rows } = await tx.query<StoredInstance & { startTime: string | null }>(
    `SELECT ${columns.join(", ")} FROM application_instances WHERE server_id = $1`,
    [serverId],
  );
  return rows.map((row) => ({ ...row, startTime: row.startTime === null ? null : new Date(row.startTime) }));
}

/** Instances the agent no longer reports. */
export async function markVanished(tx: Tx, ids: number[], now: Date) {
  if (ids.length === 0) return;
  await tx.query(
    `UPDATE application_instances SET status = 'offline', last_seen = $2::timestamp(3), updated_at = $2::timestamp(3) WHERE id = ANY($1::int[])`,
    [ids, now.toISOString()],
  );
}

const recordType = (columns: Column[]) => columns.map(([key, , type]) => `"${key}" ${type}`).join(", ");

/** INSERT … SELECT FROM jsonb_to_recordset: the JSON keys name the columns. */
export async function insertRows(tx: Tx, table: string, columns: Column[], rows: object[]) {
  if (rows.length === 0) return;
  const target = columns.map(([, column]) => `"${column}"`).join(", ");
  const source = columns.map(([key]) => `r."${key}"`).join(", ");
  await tx.query(
    `INSERT INTO ${table} (${target}) SELECT ${source} FROM jsonb_to_recordset($1::jsonb) AS r(${recordType(columns)})`,
    [json(rows)],
  );
}

export function insertInstances(tx: Tx, serverId: number, rows: Reconciliation["creates"], now: Date) {
  const columns: Column[] = [
    ["serverId", "server_id", "integer"],
    ["instanceName", "instance_name", "text"],
    ["appType", "app_type", '"AppType"'],
    ["lastSeen", "last_seen", "timestamp(3)"],
    ["createdAt", "created_at", "timestamp(3)"],
    ["updatedAt", "updated_at", "timestamp(3)"],
    ...linkColumns,
    ...agentColumns,
  ];
  return insertRows(
    tx,
    "application_instances",
    columns,
    rows.map((row) => ({ ...row, serverId, createdAt: now, updatedAt: now })),
  );
}

/** Each update carries only the fields that changed: a column absent from a row keeps its value. */
export async function updateInstances(tx: Tx, updates: Reconciliation["updates"], now: Date) {
  if (updates.length === 0) return;
  const sets = [...agentColumns, ...linkColumns].map(
    ([key, column, type]) =>
      `"${column}" = CASE WHEN u.d ? '${key}' THEN (u.d->>'${key}')::${type} ELSE i."${column}" END`,
  );
  const rows = updates.map(({ id, data }) => ({ ...data, id }));
  await tx.query(
    `UPDATE application_instances AS i
     SET ${sets.join(", ")}, last_seen = (u.d->>'lastSeen')::timestamp(3), updated_at = $2::timestamp(3)
     FROM jsonb_array_elements($1::jsonb) AS u(d)
     WHERE i.id = (u.d->>'id')::integer`,
    [json(rows), now.toISOString()],
  );
}

export function insertEvents(
  tx: Tx,
  rows: {
    serverId: number;
    instanceId?: number | null;
    eventType: string;
    status: string;
    description: string;
    timestamp: Date;
  }[],
) {
  const columns: Column[] = [
    ["serverId", "server_id", "integer"],
    ["instanceId", "instance_id", "integer"],
    ["eventType", "event_type", '"EventType"'],
    ["status", "status", "text"],
    ["description", "description", "text"],
    ["timestamp", "timestamp", "timestamp(3)"],
  ];
  return insertRows(tx, "events", columns, rows);
}
