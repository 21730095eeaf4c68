// A task runner replica's two timers (TASK_RUNNER_ENABLED): the heartbeat that renews its leases,
// and the dispatch pass that reaps expired leases and claims pending tasks. Both run every
// TASK_HEARTBEAT_SECONDS in every runner replica, independent of the scheduler: a lease is this
// process's, and any runner may pick up a pending task. A web-only replica starts neither.
import { Cron } from "croner";
import { config } from "../config";
import { renewLeases } from "./lease";
import { dispatchTasks } from "./queue";
import { thisRunner } from "./runner-identity";

const holder = globalThis as { acTaskTimers?: Cron[] };

export function startTaskRunner(): void {
  if (holder.acTaskTimers) return; // dev reloads import this module again
  const settings = config();
  if (!settings.TASK_RUNNER_ENABLED) {
    console.log("[ac] task runner disabled (TASK_RUNNER_ENABLED=false): update tasks are only enqueued here");
    holder.acTaskTimers = [];
    return;
  }
  const every = (name: string, work: () => Promise<void>) =>
    new Cron(
      "* * * * * *",
      { name, protect: true, interval: settings.TASK_HEARTBEAT_SECONDS, catch: () => undefined },
      async () => {
        await work().catch((error: unknown) => console.error(`[ac] ${name}: ${(error as Error).message}`));
      },
    );
  holder.acTaskTimers = [every("task-heartbeat", renewLeases), every("task-dispatch", dispatchTasks)];
  console.log(
    `[ac] task runner ${thisRunner.id} started (lease ${settings.TASK_LEASE_SECONDS} s, heartbeat ${settings.TASK_HEARTBEAT_SECONDS} s)`,
  );
}

export function stopTaskRunner(): void {
  for (const timer of holder.acTaskTimers ?? []) timer.stop();
  holder.acTaskTimers = undefined;
}
