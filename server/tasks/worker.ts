// A task runner replica's two timers (TASK_RUNNER_ENABLED): the heartbeat that renews its leases,
// and the dispatch pass that reaps expired leases and claims pending tasks. Both run every
// TASK_HEARTBEAT_SECONDS in every runner replica, independent of the scheduler: a lease is this
// process's, and any runner may pick up a pending task. A web-only replica starts neither.
import { Cron } from "croner";
import { config } from "../config";
import { heartbeat } from "./fence";
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
  const every = (name: string, work: () => Promise<void>) => {
    let failing = false; // one line when it starts failing (a database outage), one when it works again
    return new Cron(
      "* * * * * *",
      { name, protect: true, interval: settings.TASK_HEARTBEAT_SECONDS, catch: () => undefined },
      async () => {
        try {
          await work();
          if (failing) console.warn(`[ac] ${name}: working again`);
          failing = false;
        } catch (error) {
          if (!failing)
            console.error(
              `[ac] ${name} failed (retried every ${settings.TASK_HEARTBEAT_SECONDS} s): ${(error as Error).message}`,
            );
          failing = true;
        }
      },
    );
  };
  holder.acTaskTimers = [every("task-heartbeat", renewLeases), every("task-dispatch", dispatchTasks)];
  heartbeat.running = true; // the runs' lease fences arm from the next renewal on (fence.ts)
  console.log(
    `[ac] task runner ${thisRunner.id} started (lease ${settings.TASK_LEASE_SECONDS} s, heartbeat ${settings.TASK_HEARTBEAT_SECONDS} s)`,
  );
}

export function stopTaskRunner(): void {
  for (const timer of holder.acTaskTimers ?? []) timer.stop();
  heartbeat.running = false;
  holder.acTaskTimers = undefined;
}
