// The croner registry: every scheduled job of AC in one place. Started once per server
// process from instrumentation.ts; `protect` keeps a slow run from overlapping the next.
import { Cron } from "croner";
import { errorMessage } from "../../lib/errors";
import { startDeliveryWorkers } from "../alerts/delivery";
import { evaluateAlerts } from "../alerts/evaluate";
import { config } from "../config";
import type { Prisma } from "../db";
import { syncAllInstances } from "../haproxy/sync";
import { pollServers } from "../inventory/poll-cycle";
import { dispatchTasks, runningHere } from "../tasks/queue";
import { cleanupOldRecords } from "./cleanup";
import { recordJobRun, type JobName } from "./job-runs";

const globalForScheduler = globalThis as unknown as { acScheduler?: Cron[] };

const HEARTBEAT_SECONDS = 15;

/** Alerts are evaluated from what a poll cycle or sync just stored (docs/alerts.md); a failure is logged, the job still counts. */
async function thenEvaluateAlerts<T>(work: () => Promise<T>): Promise<T> {
  const result = await work();
  await evaluateAlerts().catch((error: unknown) =>
    console.error(`[ac] alert evaluation failed: ${errorMessage(error)}`),
  );
  return result;
}

export function startScheduler(): void {
  if (globalForScheduler.acScheduler) return; // dev reloads import this module again
  const settings = config();
  if (!settings.SCHEDULER_ENABLED) {
    console.log("[ac] scheduler disabled (SCHEDULER_ENABLED=false)");
    globalForScheduler.acScheduler = [];
    return;
  }
  const onError = () => undefined; // recordJobRun already logged it; keep the schedule going
  const job = <T extends Prisma.InputJsonValue | null>(
    name: JobName,
    pattern: string,
    interval: number | undefined,
    work: () => Promise<T>,
  ) =>
    new Cron(pattern, { name, protect: true, interval, catch: onError }, async () => {
      await recordJobRun(name, work);
    });
  globalForScheduler.acScheduler = [
    job("heartbeat", "* * * * * *", HEARTBEAT_SECONDS, async () => ({ pid: process.pid })),
    job("poll-agents", "* * * * * *", settings.POLLING_INTERVAL, () =>
      thenEvaluateAlerts(async () => (await pollServers()).summary),
    ),
    job("cleanup", "17 3 * * *", undefined, () => cleanupOldRecords()),
    // Starts update tasks left pending (the parallel limit was reached, or AC restarted).
    job("task-queue", "* * * * * *", 5, async () => (await dispatchTasks(), { runningHere: runningHere().length })),
    // HAPROXY_ENABLED=false: no job at all, the module's API and pages say it is off.
    ...(settings.HAPROXY_ENABLED
      ? [
          job("haproxy-sync", "* * * * * *", settings.HAPROXY_POLLING_INTERVAL, () =>
            thenEvaluateAlerts(syncAllInstances),
          ),
        ]
      : []),
  ];
  // Notification delivery runs on every replica with the scheduler; the queue and channel locks keep each message once.
  startDeliveryWorkers().catch((error: unknown) =>
    console.error(`[ac] alert delivery workers did not start: ${errorMessage(error)}`),
  );
  console.log(`[ac] scheduler started: ${globalForScheduler.acScheduler.map((job) => job.name).join(", ")}`);
}

export function stopScheduler(): void {
  for (const job of globalForScheduler.acScheduler ?? []) job.stop();
  globalForScheduler.acScheduler = undefined;
}
