// Who this process is as a task runner, and how long its claim on a task holds
// (docs/update-tasks.md, "Runners, leases and replicas"). The id names the host and pid so a log
// line or the task page says where a task ran; the random part tells a restarted process (same
// pid in a new container) from the one before.
import { randomBytes } from "node:crypto";
import os from "node:os";
import { config } from "../config";
import { db, Prisma } from "../db";

// One identity per process, kept on globalThis: Next.js bundles instrumentation (the heartbeat)
// and the route handlers (tasks.start dispatching) separately, each with its own copy of this
// module; two ids in one process made the heartbeat stop the tasks the other copy had claimed.
const holder = globalThis as { acTaskRunner?: { host: string; id: string } };
export const thisRunner = (holder.acTaskRunner ??= {
  host: os.hostname(),
  id: `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
});

/**
 * Leases are written and compared on the database's clock alone (docs/update-tasks.md, "Runners,
 * leases and replicas"), so no host's wall clock takes part: a runner measures its own side from
 * when it sent the write, on its monotonic clock (fence.ts). `AT TIME ZONE 'UTC'` gives UTC digits
 * whatever the session's TimeZone (docs/architecture.md, "Times").
 */
const DB_CLOCK = Prisma.sql`(clock_timestamp() AT TIME ZONE 'UTC')`;

/** `heartbeat_at = <database now>, lease_expires_at = <database now> + TASK_LEASE_SECONDS`, for an UPDATE's SET. */
export const renewedLeaseSql = () =>
  Prisma.sql`heartbeat_at = ${DB_CLOCK}::timestamp(3),
    lease_expires_at = (${DB_CLOCK} + make_interval(secs => ${config().TASK_LEASE_SECONDS}))::timestamp(3)`;

/** The database's clock, the one the reaper compares leases with. */
export async function databaseNow(): Promise<Date> {
  const [row] = await db().$queryRaw<{ now: Date }[]>`SELECT ${DB_CLOCK}::timestamp(3) AS now`;
  return row!.now;
}

/**
 * Why a run was aborted (its AbortSignal's reason): an operator's "cancel now"; the lease is no
 * longer ours (reaped); or this runner fenced itself, its lease about to run out unrenewed (fence.ts).
 */
export const ABORT = { cancelNow: "cancel-now", leaseLost: "lease-lost", fenced: "fenced" } as const;

/** The run may no longer act on anything outside the database: the task is not, or soon not, this runner's. */
export const notOurs = (signal: AbortSignal) =>
  signal.aborted && (signal.reason === ABORT.leaseLost || signal.reason === ABORT.fenced);
