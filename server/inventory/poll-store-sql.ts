// Database side of polling besides the batch's statements (poll-batch-sql.ts): what a failed poll
// writes (in the batch's transaction), a failed store, and the cycle's batched touch. All of it on
// the pg pool, times as ISO strings (docs/architecture.md, "Data access").
import { dbPool, type PgTx as Tx } from "../db";
import { prepared } from "./bulk-writes-sql";
import type { PendingFailure } from "./poll-batch-sql";

export const connectEvent = (serverId: number, name: string, now: Date) => ({
  serverId,
  instanceId: null,
  timestamp: now,
  eventType: "connect" as const,
  status: "online",
  description: `Agent of ${name} is answering`,
});

/**
 * The event a failed poll adds, given the server's status as stored before it: a disconnect when
 * an agent stops answering, a connect when one answers again (if only with an unusable reply).
 */
export function failureEvent(failure: PendingFailure, previous: string) {
  const { serverId, name, reason, checkedAt: timestamp } = failure;
  if (failure.failure === "apps_failed") return previous === "online" ? null : connectEvent(serverId, name, timestamp);
  if (previous === "offline") return null;
  const description = `Agent of ${name} does not answer: ${reason}`;
  return { serverId, instanceId: null, timestamp, eventType: "disconnect" as const, status: "offline", description };
}

/** The agent did not answer: nothing is known of its apps, whose instances say no_data (docs/inventory.md). */
export async function markNoData(tx: Tx, servers: { serverId: number; at: Date }[]) {
  if (servers.length === 0) return;
  await tx.query(
    prepared(
      `UPDATE application_instances AS i SET status = 'no_data', updated_at = v.at
       FROM unnest($1::int[], $2::timestamp(3)[]) AS v(server_id, at)
       WHERE i.server_id = v.server_id AND i.status <> 'no_data'`,
      [servers.map((s) => s.serverId), servers.map((s) => s.at.toISOString())],
    ),
  );
}

/**
 * Servers whose reply was identical to the last applied one: only last_check moves, in one
 * statement for all. Returns the ids whose stored state moved meanwhile (another poll set it
 * offline, say): those need a full pass.
 */
export async function touchUnchangedServers(
  checks: { id: number; at: Date; fingerprint: string }[],
): Promise<number[]> {
  if (checks.length === 0) return [];
  const ids = checks.map((c) => c.id);
  const { rows } = await dbPool().query<{ id: number }>(
    `UPDATE servers AS s SET last_check = v.at
     FROM unnest($1::int[], $2::timestamp(3)[], $3::text[]) AS v(id, at, fp)
     WHERE s.id = v.id AND s.apps_fingerprint = v.fp AND s.status = 'online'
     RETURNING s.id`,
    [ids, checks.map((c) => c.at.toISOString()), checks.map((c) => c.fingerprint)],
  );
  const done = new Set(rows.map((row) => row.id));
  return ids.filter((id) => !done.has(id));
}

/** Storing a reply failed (its transaction rolled back): say why on the server, and compare the next reply in full. */
export async function writeStoreFailure(serverId: number, reason: string, now: Date): Promise<void> {
  await dbPool().query(
    `UPDATE servers SET last_error = $2, apps_fingerprint = NULL, updated_at = $3::timestamp(3) WHERE id = $1`,
    [serverId, reason, now.toISOString()],
  );
}
