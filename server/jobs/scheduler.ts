// The registry: every scheduled job of AC in one place. Started once per server process from
// instrumentation.ts. Each job runs once per interval across all replicas on the database
// (cluster-jobs.ts, pg-boss); only the heartbeat is per replica: it says this replica's
// scheduler is alive. SCHEDULER_ENABLED=false: no ticks and no workers (a web-only replica).
import { Cron } from "croner";
import { errorMessage } from "../../lib/errors";
import { startDeliveryWorkers } from "../alerts/delivery";
import { config, type Config } from "../config";
import { syncAllInstances } from "../haproxy/sync";
import { rollUp } from "../history/rollup";
import { boss } from "./boss";
import { CLEANUP_SCHEDULE, cleanupOldRecords } from "./cleanup";
import { expiryFor, startClusterJob, tickFor, type ClusterJob } from "./cluster-jobs";
import { onHaproxySyncFinished } from "./hooks";
import { recordJobRun } from "./job-runs";
import { longestCycleSeconds, POLL_CHUNK_QUEUE, runPollCycle, startChunkWorker } from "./poll-job";
import { replicaName } from "./replica";

const globalForScheduler = globalThis as unknown as { acScheduler?: Cron[]; acSchedulerStarting?: Promise<void> };

const HEARTBEAT_SECONDS = 15;

const every = (seconds: number) => ({
  slotSeconds: seconds,
  tick: tickFor(seconds),
  expireInSeconds: expiryFor(seconds),
});

/** The jobs shared by the replicas under these settings. */
export function clusterJobs(settings: Config): ClusterJob[] {
  return [
    {
      name: "poll-agents",
      ...every(settings.POLLING_INTERVAL),
      expireInSeconds: expiryFor(longestCycleSeconds(settings.POLLING_INTERVAL)),
      run: (job) => runPollCycle(settings.POLLING_INTERVAL, job.id),
    },
    // Every 15 minutes on every replica's clock (bounded batches, server/jobs/cleanup.ts); the slot makes it one run.
    {
      name: "cleanup",
      slotSeconds: 900,
      tick: { pattern: CLEANUP_SCHEDULE },
      expireInSeconds: 900,
      run: () => cleanupOldRecords(),
    },
    // The metric history's rollups (docs/history.md, "Rollups"): idempotent, a bounded span per run.
    { name: "history-rollup", ...every(300), run: () => rollUp() },
    // Update tasks are not here: every runner replica claims them itself (server/tasks/worker.ts).
    // HAPROXY_ENABLED=false: no job at all, the module's API and pages say it is off.
    ...(settings.HAPROXY_ENABLED
      ? [
          {
            name: "haproxy-sync",
            ...every(settings.HAPROXY_POLLING_INTERVAL),
            run: async () => {
              const summary = await syncAllInstances();
              await onHaproxySyncFinished(summary).catch((error: unknown) =>
                console.error(`[jobs] onHaproxySyncFinished: ${(error as Error).message}`),
              );
              return summary;
            },
          } satisfies ClusterJob,
        ]
      : []),
  ];
}

export function startScheduler(): Promise<void> {
  globalForScheduler.acSchedulerStarting ??= start(); // dev reloads import this module again
  return globalForScheduler.acSchedulerStarting;
}

async function start(): Promise<void> {
  const settings = config();
  if (!settings.SCHEDULER_ENABLED) {
    console.log("[ac] scheduler disabled (SCHEDULER_ENABLED=false): this replica runs no jobs");
    globalForScheduler.acScheduler = [];
    return;
  }
  const heartbeat = new Cron(
    "* * * * * *",
    { name: "heartbeat", protect: true, interval: HEARTBEAT_SECONDS, catch: () => undefined },
    async () => void (await recordJobRun("heartbeat", async () => ({ pid: process.pid }))),
  );
  const jobs = clusterJobs(settings);
  await startChunkWorker();
  // Notification delivery on every scheduler replica; the queue and channel locks keep each message once.
  await startDeliveryWorkers().catch((error: unknown) =>
    console.error(`[ac] alert delivery workers did not start: ${errorMessage(error)}`),
  );
  const ticks = [heartbeat];
  for (const job of jobs) ticks.push(await startClusterJob(job)); // one at a time: see ensureQueue
  globalForScheduler.acScheduler = ticks;
  console.log(`[ac] scheduler started on ${replicaName()}: ${jobs.map((job) => job.name).join(", ")}, heartbeat`);
}

/** Stops this replica's ticks and workers; runs in progress finish. */
export async function stopScheduler(): Promise<void> {
  const ticks = globalForScheduler.acScheduler ?? [];
  for (const tick of ticks) tick.stop();
  globalForScheduler.acScheduler = undefined;
  globalForScheduler.acSchedulerStarting = undefined;
  if (ticks.length === 0) return;
  const b = await boss();
  for (const name of [POLL_CHUNK_QUEUE, ...ticks.map((tick) => tick.name)]) if (name) await b.offWork(name);
}
