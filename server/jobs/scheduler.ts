// The croner registry: every scheduled job of AC in one place. Started once per server
// process from instrumentation.ts; `protect` keeps a slow run from overlapping the next.
import { Cron } from "croner";
import { config } from "../config";
import { recordJobRun } from "./job-runs";

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
  const every = (seconds: number) => `*/${seconds} * * * * *`;
  globalForScheduler.acScheduler = [
    new Cron(every(HEARTBEAT_SECONDS), { name: "heartbeat", protect: true, catch: onError }, async () => {
      await recordJobRun("heartbeat", async () => ({ pid: process.pid }));
    }),
  ];
  console.log(`[ac] scheduler started: ${globalForScheduler.acScheduler.map((job) => job.name).join(", ")}`);
}

export function stopScheduler(): void {
  for (const job of globalForScheduler.acScheduler ?? []) job.stop();
  globalForScheduler.acScheduler = undefined;
}
