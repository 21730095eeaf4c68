// The statements of the shared circuit breaker (table haproxy_breakers, breaker.ts). They run on
// the pg pool: every agent call of the HAProxy module asks the breaker first, so a sync of an
// instance with hundreds of backends asks hundreds of times, and a raw statement through Prisma
// costs about 1 ms of CPU each (docs/architecture.md, "Data access"). Times go in as ISO strings
// cast to timestamp(3) and come out as epoch milliseconds; the session's TimeZone plays no part.
import type { PgTx } from "../db";

export type BreakerRow = {
  failures: number;
  openedAt: number | null;
  trialUntil: number | null;
  lastError: string | null;
};

const iso = (ms: number) => new Date(ms).toISOString();
const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/** The instance's row; null means closed with no failures counted. */
export async function readBreaker(q: PgTx, instanceId: number): Promise<BreakerRow | null> {
  const { rows } = await q.query<BreakerRow>({
    name: "haproxy-breaker-read",
    text: `SELECT failures, ${epochMs("opened_at")} AS "openedAt", ${epochMs("trial_until")} AS "trialUntil",
             last_error AS "lastError"
           FROM haproxy_breakers WHERE haproxy_instance_id = $1`,
    values: [instanceId],
  });
  return rows[0] ?? null;
}

/**
 * Claims the half-open trial: true for exactly one caller among all replicas while the open time
 * is up and no other trial holds it (its `trial_until` passed: the replica running it died).
 * Concurrent claims queue on the row lock and re-check the condition, so only the first wins.
 */
export async function claimTrial(q: PgTx, instanceId: number, now: number, timeoutMs: number): Promise<boolean> {
  const { rowCount } = await q.query({
    name: "haproxy-breaker-claim",
    text: `UPDATE haproxy_breakers SET trial_until = $3::timestamp(3), updated_at = $2::timestamp(3)
           WHERE haproxy_instance_id = $1 AND opened_at <= $4::timestamp(3)
             AND (trial_until IS NULL OR trial_until <= $2::timestamp(3))`,
    values: [instanceId, iso(now), iso(now + timeoutMs), iso(now - timeoutMs)],
  });
  return rowCount === 1;
}

/**
 * Counts a failure. It opens the breaker at the threshold, or again after a failed trial; a late
 * failure of a call that started before another replica opened it does not push the opening back.
 */
export async function recordFailure(
  q: PgTx,
  instanceId: number,
  failure: { now: number; error: string; trial: boolean; threshold: number },
): Promise<void> {
  await q.query({
    name: "haproxy-breaker-failure",
    text: `INSERT INTO haproxy_breakers AS b (haproxy_instance_id, failures, opened_at, last_error, updated_at)
           SELECT i.id, 1, CASE WHEN $3 OR 1 >= $4 THEN $2::timestamp(3) END, $5, $2::timestamp(3)
           FROM haproxy_instances i WHERE i.id = $1
           ON CONFLICT (haproxy_instance_id) DO UPDATE SET
             failures = b.failures + 1,
             last_error = EXCLUDED.last_error,
             updated_at = EXCLUDED.updated_at,
             opened_at = CASE WHEN $3 THEN EXCLUDED.updated_at
                              WHEN b.opened_at IS NOT NULL THEN b.opened_at
                              WHEN b.failures + 1 >= $4 THEN EXCLUDED.updated_at END,
             trial_until = CASE WHEN $3 THEN NULL ELSE b.trial_until END`,
    values: [instanceId, iso(failure.now), failure.trial, failure.threshold, failure.error],
  });
}

/** A success closes the breaker: no row is the closed state. */
export async function recordSuccess(q: PgTx, instanceId: number): Promise<void> {
  await q.query({
    name: "haproxy-breaker-success",
    text: "DELETE FROM haproxy_breakers WHERE haproxy_instance_id = $1",
    values: [instanceId],
  });
}
