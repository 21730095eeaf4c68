// Database side of polling for what is not a batch of replies (poll-batch-sql.ts writes those):
// a failed poll, a failed store, and the cycle's batched touch. All of it on the pg pool, times
// as ISO strings (docs/architecture.md, "Data access").
import { dbPool, pgTransaction, type PgTx as Tx } from "../db";
import { insertEvents } from "./bulk-writes-sql";
import { lockServer } from "./version-change-sql";

/** What a failed poll leaves on the server's own row (its last applied reply's coercions are kept). */
async function setServerState(
  tx: Tx,
  serverId: number,
  state: { status: "online" | "offline"; lastError: string | null; fingerprint: null },
  now: Date,
) {
  await tx.query(
    `UPDATE servers SET status = $2::"ServerStatus", last_check = $3::timestamp(3), last_error = $4, apps_fingerprint = $5, updated_at = $3::timestamp(3) WHERE id = $1`,
    [serverId, state.status, now.toISOString(), state.lastError, state.fingerprint],
  );
}

export const connectEvent = (serverId: number, name: string, now: Date) => ({
  serverId,
  instanceId: null,
  timestamp: now,
  eventType: "connect" as const,
  status: "online",
  description: `Agent of ${name} is answering`,
});

/** The agent did not answer: the server is offline and nothing is known of its apps. */
export async function writeServerOffline(serverId: number, name: string, reason: string, now: Date) {
  await pgTransaction(async (tx) => {
    const previous = await lockServer(tx, serverId);
    await tx.query(
      `UPDATE application_instances SET status = 'no_data', updated_at = $2::timestamp(3) WHERE server_id = $1 AND status <> 'no_data'`,
      [serverId, now.toISOString()],
    );
    if (previous !== "offline") {
      const description = `Agent of ${name} does not answer: ${reason}`;
      await insertEvents(tx, [{ serverId, timestamp: now, eventType: "disconnect", status: "offline", description }]);
    }
    await setServerState(tx, serverId, { status: "offline", lastError: reason, fingerprint: null }, now);
  });
}

/** The agent answered ping but its apps reply was unusable: keep the inventory, record why. */
export async function writeAppsFailure(serverId: number, name: string, reason: string, now: Date) {
  await pgTransaction(async (tx) => {
    if ((await lockServer(tx, serverId)) !== "online") await insertEvents(tx, [connectEvent(serverId, name, now)]);
    await setServerState(tx, serverId, { status: "online", lastError: reason, fingerprint: null }, now);
  });
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
