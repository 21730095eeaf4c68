// Scheduled jobs that run once per interval across every replica on the database
// (docs/operations.md, "Replicas"). croner ticks in each replica; each tick offers the job of
// the current interval slot to a pg-boss queue, which keeps at most one job per slot (a
// throttled `send`: singletonKey + singletonSeconds) and at most one running at a time (the
// "stately" queue policy). Workers on every scheduler replica take it; the run expires after
// `expireInSeconds`, so pg-boss's maintenance fails the job of a replica that died and the
// queued job of the next slot goes to a live replica.
import { Cron } from "croner";
import type PgBoss from "pg-boss";
import type { Prisma } from "../db";
import { boss } from "./boss";
import { recordJobRun, type JobName } from "./job-runs";

export type ClusterJob = {
  name: JobName;
  /** Each slot of this many seconds (aligned to the epoch on the database's clock) gets one run. */
  slotSeconds: number;
  /** When replicas offer the job: a croner pattern, and for "* * * * * *" the seconds between ticks. */
  tick: { pattern: string; everySeconds?: number };
  /** A run that holds the job longer is failed, and the next slot's job may start elsewhere. */
  expireInSeconds: number;
  run: (job: PgBoss.Job<object>) => Promise<Prisma.InputJsonValue | null>;
};

/**
 * Offers the job of each slot from several ticks per slot, so a slot's run starts soon after
 * the slot begins on whichever replica ticks first (and still starts when a replica is gone).
 */
export const tickFor = (slotSeconds: number) => ({
  pattern: "* * * * * *",
  everySeconds: Math.min(5, Math.max(1, Math.floor(slotSeconds / 10))),
});

/** A run may take its longest expected time plus a tenth and 2 s; then the next slot's run may start elsewhere. */
export const expiryFor = (runSeconds: number) => Math.ceil(runSeconds * 1.1) + 2;

const sendOptions = (job: ClusterJob): PgBoss.SendOptions => ({
  singletonKey: job.name,
  singletonSeconds: job.slotSeconds,
  expireInSeconds: job.expireInSeconds,
  retryLimit: 0, // the next slot's run replaces a failed one
  retentionSeconds: Math.max(60, job.slotSeconds * 2), // a queued run nobody took is dropped
});

/**
 * Creates a queue unless it exists. Call one at a time: pg-boss 10 creates a queue as a partition
 * of its job table, and two creations at once (here, or on replicas starting together) can
 * deadlock; PostgreSQL then rolls one back, which is simply tried again.
 */
export async function ensureQueue(name: string, policy: PgBoss.QueuePolicy): Promise<void> {
  const b = await boss();
  for (let attempt = 1; ; attempt++) {
    try {
      return await b.createQueue(name, { name, policy, retryLimit: 0 });
    } catch (error) {
      if ((error as { code?: string }).code !== "40P01" || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt * Math.random()));
    }
  }
}

/** Creates the job's queue and this replica's worker; returns the croner tick that offers it. */
export async function startClusterJob(job: ClusterJob): Promise<Cron> {
  const b = await boss();
  await ensureQueue(job.name, "stately");
  await b.work<object>(job.name, async ([taken]) => recordJobRun(job.name, () => job.run(taken!)));
  return new Cron(
    job.tick.pattern,
    { name: job.name, protect: true, interval: job.tick.everySeconds, catch: (error) => logTickError(job, error) },
    async () => void (await b.send(job.name, {}, sendOptions(job))),
  );
}

function logTickError(job: ClusterJob, error: unknown) {
  console.error(`[jobs] ${job.name}: could not offer the run: ${(error as Error).message}`);
}
