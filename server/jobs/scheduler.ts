// The croner registry: every scheduled job of AC in one place. Started once per server
// process from instrumentation.ts; `protect` keeps a slow run from overlapping the next.
import { Cron } from "croner";
import { config } from "../config";
import type { Prisma } from "../db";
import { syncAllInstances } from "../haproxy/sync";
import { pollServers } from "../inventory/poll-cycle";
import { CLEANUP_SCHEDULE, cleanupOldRecords } from "./cleanup";
import { recordJobRun, type JobName } from "./job-runs";

const globalForScheduler = globalThis as unknown as { acScheduler?: Cron[] };

const HEARTBEAT_SECONDS = 15;

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
    job("poll-agents", "* * * * * *", settings.POLLING_INTERVAL, async () => (await pollServers()).summary),
    job("cleanup", CLEANUP_SCHEDULE, undefined, () => cleanupOldRecords()),
    // HAPROXY_ENABLED=false: no job at all, the module's API and pages say it is off.
    ...(settings.HAPROXY_ENABLED
      ? [job("haproxy-sync", "* * * * * *", settings.HAPROXY_POLLING_INTERVAL, syncAllInstances)]
      : []),
  ];
  console.log(`[ac] scheduler started: ${globalForScheduler.acScheduler.map((job) => job.name).join(", ")}`);
}

export function stopScheduler(): void {
  for (const job of globalForScheduler.acScheduler ?? []) job.stop();
  globalForScheduler.acScheduler = undefined;
}
