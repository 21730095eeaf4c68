// Where an instance's version change is written, whoever saw it: a poll (a reply with a new
// version) or an update task (the agent confirmed the target). Both take the same server-row lock,
// write the same history row and update event (the texts are reconcile.ts's), on a pg transaction
// with times as ISO strings (docs/architecture.md, "Data access"). The lock makes the two see each
// other: whichever writes second finds the version stored and records no second change.
import type { PgTx } from "../db";
import { insertEvents, insertRows, prepared, type Column } from "./bulk-writes-sql";
import {
  isVersionChange,
  updateEventText,
  versionChangeFields,
  type AgentFields,
  type Reconciliation,
} from "./reconcile";

/** Locks the server's row and returns its status as stored now (not as a poll cycle first read it). */
export async function lockServer(tx: PgTx, serverId: number): Promise<string> {
  const { rows } = await tx.query<{ status: string }>("SELECT status::text FROM servers WHERE id = $1 FOR UPDATE", [
    serverId,
  ]);
  if (!rows[0]) throw new Error(`server ${serverId} was deleted while its result was being written`);
  return rows[0].status;
}

/**
 * Locks the rows of many servers in id order (so two writers' batches can never wait on each
 * other in a cycle) and returns each one's status as stored now; a deleted server is absent.
 */
export async function lockServers(tx: PgTx, serverIds: number[]): Promise<Map<number, string>> {
  const { rows } = await tx.query<{ id: number; status: string }>(
    prepared("SELECT id, status::text FROM servers WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE", [serverIds]),
  );
  return new Map(rows.map((row) => [row.id, row.status]));
}

type Source =
  | { changedBy: "agent"; changeSource: "polling" }
  | { changedBy: "user"; changeSource: "update_task"; taskId: string; notes: string };
export const pollingSource: Source = { changedBy: "agent", changeSource: "polling" };

const historyColumns: Column[] = [
  ["instanceId", "instance_id", "integer"],
  ["serverName", "server_name", "text"],
  ["instanceName", "instance_name", "text"],
  ["oldVersion", "old_version", "text"],
  ["newVersion", "new_version", "text"],
  ["oldTag", "old_tag", "text"],
  ["newTag", "new_tag", "text"],
  ["oldImage", "old_image", "text"],
  ["newImage", "new_image", "text"],
  ["oldDistrPath", "old_distr_path", "text"],
  ["newDistrPath", "new_distr_path", "text"],
  ["changedAt", "changed_at", "timestamp(3)"],
  ["changedBy", "changed_by", '"ChangedBy"'],
  ["changeSource", "change_source", '"ChangeSource"'],
  ["taskId", "task_id", "uuid"],
  ["notes", "notes", "text"],
];

/** Version history rows, in one statement. */
export function insertVersionHistory(
  tx: PgTx,
  rows: (Reconciliation["history"][number] & { serverName: string; changedAt: Date })[],
  source: Source,
) {
  return insertRows(
    tx,
    "application_version_history",
    historyColumns,
    rows.map((row) => ({ ...row, taskId: null, notes: null, ...source })),
  );
}

export type ConfirmedVersion = {
  instance: { id: number; name: string; serverId: number; serverName: string };
  reported: Pick<AgentFields, "version" | "tag" | "image" | "distrPath" | "status">;
  taskId: string;
  notes: string;
  /** The task's target: a polling row for it written since `since` (the playbook's start) is the task's. */
  target: string;
  since: Date;
};

/**
 * An update task's confirmed version: the history row and update event when the stored version
 * differs, or else the polling row that saw it first is claimed for the task; then the instance's
 * row, and the server's apps fingerprint cleared so the next poll compares field by field.
 */
export async function writeConfirmedVersion(tx: PgTx, c: ConfirmedVersion, now: Date): Promise<void> {
  const { instance, reported } = c;
  const at = now.toISOString();
  await lockServer(tx, instance.serverId);
  const { rows } = await tx.query<Pick<AgentFields, "version" | "tag" | "image" | "distrPath">>(
    `SELECT version, tag, image, distr_path AS "distrPath" FROM application_instances WHERE id = $1`,
    [instance.id],
  );
  const stored = rows[0];
  if (!stored) throw new Error(`instance ${instance.name} on ${instance.serverName} was deleted meanwhile`);
  const source = { changedBy: "user", changeSource: "update_task", taskId: c.taskId, notes: c.notes } as const;
  if (isVersionChange(stored, reported)) {
    const change = {
      instanceId: instance.id,
      instanceName: instance.name,
      serverName: instance.serverName,
      changedAt: now,
      ...versionChangeFields(stored, reported),
    };
    await insertVersionHistory(tx, [change], source);
    const description = updateEventText(instance.name, stored, reported, c.notes);
    await insertEvents(tx, [
      {
        serverId: instance.serverId,
        instanceId: instance.id,
        eventType: "update",
        status: reported.status,
        timestamp: now,
        description,
      },
    ]);
  } else {
    // A poll saw the new version first (between the playbook and this check): its row is this task's.
    await tx.query(
      `UPDATE application_version_history SET changed_by = 'user', change_source = 'update_task', task_id = $2::uuid, notes = $3
       WHERE instance_id = $1 AND change_source = 'polling' AND task_id IS NULL AND changed_at >= $4::timestamp(3) AND (new_version = $5 OR new_tag = $5)`,
      [instance.id, c.taskId, c.notes, c.since.toISOString(), c.target],
    );
  }
  await tx.query(
    `UPDATE application_instances SET version = $2, tag = $3, image = $4, distr_path = $5, status = $6::"InstanceStatus",
       last_seen = $7::timestamp(3), updated_at = $7::timestamp(3) WHERE id = $1`,
    [instance.id, reported.version, reported.tag, reported.image, reported.distrPath, reported.status, at],
  );
  await tx.query(`UPDATE servers SET apps_fingerprint = NULL, updated_at = $2::timestamp(3) WHERE id = $1`, [
    instance.serverId,
    at,
  ]);
}
