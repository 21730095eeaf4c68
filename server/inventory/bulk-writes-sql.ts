// The statements of a poll batch's write transaction, in SQL on a pooled pg client: one statement
// for the rows of all the batch's servers, passed as one JSON parameter (or arrays). Why not
// Prisma here: docs/architecture.md, "Data access" (Prisma 7 compiles every createMany anew and
// costs about 1 ms of CPU per statement; the poller's CPU bounds a churn cycle, docs/performance.md). Times travel as ISO strings both ways: pg would read a
// `timestamp without time zone` as local time, where Prisma (and AC) mean UTC.
import { createHash } from "node:crypto";
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

/** A named statement: PostgreSQL parses and plans its text once per connection, not per call. */
export function prepared(text: string, values: unknown[]) {
  let name = statementNames.get(text);
  if (!name) statementNames.set(text, (name = `ac_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`));
  return { name, text, values };
}
const statementNames = new Map<string, string>();

// Dates become ISO strings; cast to timestamp(3) (without zone) the "Z" is dropped: UTC, as Prisma stores them.
const json = (rows: unknown[]) => JSON.stringify(rows);
const isoUtc = (column: string) => `to_char("${column}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** What reconcile compares each reply with: the stored instances of many servers, in one statement. */
export async function readStoredInstances(tx: Tx, serverIds: number[]): Promise<Map<number, StoredInstance[]>> {
  const { rows } = await tx.query<StoredInstance & { serverId: number; startTime: string | null }>(
    prepared(
      `SELECT server_id AS "serverId", ${storedColumns} FROM application_instances WHERE server_id = ANY($1::int[])`,
      [serverIds],
    ),
  );
  const byServer = new Map<number, StoredInstance[]>(serverIds.map((id) => [id, []]));
  for (const row of rows) {
    // Changed in place (a copy of 25 keys per row cost more than reading it); serverId stays on.
    (row as StoredInstance).startTime = row.startTime === null ? null : new Date(row.startTime);
    byServer.get(row.serverId)?.push(row as StoredInstance);
  }
  return byServer;
}

const storedColumns = [
  ["id", "id", "integer"],
  ["instanceName", "instance_name", "text"],
  ["appType", "app_type", "text"],
  ...linkColumns,
  ...agentColumns,
]
  .map(
    ([key, column, type]) =>
      `${type!.startsWith("timestamp") ? isoUtc(column!) : `"${column}"::${type === "integer" || type === "boolean" ? type : "text"}`} AS "${key}"`,
  )
  .join(", ");

/** Instances the agent no longer reports: offline, last_seen = their poll's time. */
export async function markVanished(tx: Tx, rows: { id: number; at: Date }[]) {
  if (rows.length === 0) return;
  await tx.query(
    prepared(
      `UPDATE application_instances AS i SET status = 'offline', last_seen = v.at, updated_at = v.at
       FROM unnest($1::int[], $2::timestamp(3)[]) AS v(id, at) WHERE i.id = v.id`,
      [rows.map((row) => row.id), rows.map((row) => row.at.toISOString())],
    ),
  );
}

const recordType = (columns: Column[]) => columns.map(([key, , type]) => `"${key}" ${type}`).join(", ");

/** INSERT … SELECT FROM json_to_recordset: the JSON keys name the columns. */
export async function insertRows(tx: Tx, table: string, columns: Column[], rows: object[]) {
  if (rows.length === 0) return;
  const target = columns.map(([, column]) => `"${column}"`).join(", ");
  const source = columns.map(([key]) => `r."${key}"`).join(", ");
  await tx.query(
    prepared(
      `INSERT INTO ${table} (${target}) SELECT ${source} FROM json_to_recordset($1::json) AS r(${recordType(columns)})`,
      [json(rows)],
    ),
  );
}

const instanceColumns: Column[] = [
  ["instanceName", "instance_name", "text"],
  ["appType", "app_type", '"AppType"'],
  ["lastSeen", "last_seen", "timestamp(3)"],
  ...linkColumns,
  ...agentColumns,
];
// Positional: [serverId, ...instanceColumns]. Without the key names the JSON is half as long, and
// PostgreSQL parsed 10,000 rows in about half the time (docs/performance.md, "Batched writes").
const lastSeenAt = instanceColumns.findIndex(([key]) => key === "lastSeen") + 1;
const insertInstancesText = `INSERT INTO application_instances
    (server_id, ${instanceColumns.map(([, column]) => `"${column}"`).join(", ")}, created_at, updated_at)
  SELECT (a->>0)::integer, ${instanceColumns.map(([, , type], i) => `(a->>${i + 1})::${type}`).join(", ")},
    (a->>${lastSeenAt})::timestamp(3), (a->>${lastSeenAt})::timestamp(3)
  FROM jsonb_array_elements($1::jsonb) AS t(a)`;

/** New instances of many servers; each row is created at its poll's time (its lastSeen). */
export async function insertInstances(tx: Tx, servers: { serverId: number; rows: Reconciliation["creates"] }[]) {
  const tuples: unknown[][] = [];
  for (const { serverId, rows } of servers) {
    for (const row of rows) {
      const tuple: unknown[] = [serverId];
      for (const [key] of instanceColumns) tuple.push((row as Record<string, unknown>)[key]);
      tuples.push(tuple);
    }
  }
  if (tuples.length === 0) return;
  await tx.query(prepared(insertInstancesText, [json(tuples)]));
}

const updateText = `UPDATE application_instances AS i
  SET ${[...agentColumns, ...linkColumns]
    .map(
      ([key, column, type]) =>
        `"${column}" = CASE WHEN u.d ? '${key}' THEN (u.d->>'${key}')::${type} ELSE i."${column}" END`,
    )
    .join(", ")},
    last_seen = (u.d->>'lastSeen')::timestamp(3), updated_at = (u.d->>'lastSeen')::timestamp(3)
  FROM jsonb_array_elements($1::jsonb) AS u(d)
  WHERE i.id = (u.d->>'id')::integer`;

/** Each update carries only the fields that changed: a column absent from a row keeps its value. */
export async function updateInstances(tx: Tx, updates: Reconciliation["updates"]) {
  if (updates.length === 0) return;
  await tx.query(prepared(updateText, [json(updates.map(({ id, data }) => ({ ...data, id })))]));
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
