// Pending tasks wait here until one of TASKS_MAX_PARALLEL slots is free, counted across every
// replica in the database. Claiming a task and creating one (start.ts) share an advisory lock, so
// the limit and the one-task-per-instance rule hold under concurrent requests on any replica. A
// claim takes a lease the runner renews (lease.ts); each dispatch pass first reaps the running
// tasks whose lease ran out (reaper.ts). Only replicas with TASK_RUNNER_ENABLED claim and reap.
import { config } from "../config";
import { db } from "../db";
import { messageForUsers } from "../error-report";
import { retryThroughOutage } from "./db-retry";
import { taskDeps } from "./deps";
import { fencedWhy, monotonicNow } from "./fence";
import { reapExpiredTasks } from "./reaper";
import { register, unregister } from "./registry";
import { runUpdateTask } from "./runner";
import { ABORT, renewedLeaseSql, thisRunner } from "./runner-identity";

export { abortRunningTask, runningHere, taskFinished } from "./registry";

/** Key of the advisory lock around task creation and claiming (any constant works). */
export const TASKS_LOCK_KEY = 0x41435441; // "ACTA"

/** The claimed task, and when its lease was asked for (fence.ts). */
async function claimNext(): Promise<{ id: string; sentAt: number } | null> {
  const sentAt = monotonicNow(); // before the claim's clock_timestamp(), so its lease ends no earlier than this + the lease
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${TASKS_LOCK_KEY}::bigint)`;
    const running = await tx.task.count({ where: { status: "running" } });
    if (running >= config().TASKS_MAX_PARALLEL) return null;
    const next = await tx.task.findFirst({
      where: { status: "pending" },
      orderBy: { createdAt: "asc" },
      select: { id: true, startedAt: true },
    });
    if (!next) return null;
    const now = new Date();
    await tx.task.update({
      where: { id: next.id },
      data: {
        status: "running",
        startedAt: next.startedAt ?? now, // a task continued after a pause keeps when it first started
        runnerId: thisRunner.id,
        runnerHost: thisRunner.host,
      },
      select: { id: true },
    });
    await tx.$executeRaw`UPDATE tasks SET ${renewedLeaseSql()} WHERE id = ${next.id}::uuid`;
    return { id: next.id, sentAt };
  });
}

// One dispatch pass at a time per process, whichever of Next's bundles asks (globalThis).
const pass = ((globalThis as { acTaskDispatch?: { running: Promise<void> | null; again: boolean } }).acTaskDispatch ??=
  { running: null, again: false });

/**
 * Reaps expired leases, then starts pending tasks while slots are free; nothing on a web-only
 * replica. Safe to call any time; a call during a pass adds one more pass.
 */
export function dispatchTasks(): Promise<void> {
  if (!config().TASK_RUNNER_ENABLED) return Promise.resolve();
  if (pass.running) {
    pass.again = true;
    return pass.running;
  }
  pass.running = (async () => {
    try {
      do {
        pass.again = false;
        await reapExpiredTasks(); // frees the slots and instances of runners that are gone
        for (let claim = await claimNext(); claim; claim = await claimNext()) launch(claim.id, claim.sentAt);
      } while (pass.again);
    } finally {
      pass.running = null;
    }
  })();
  return pass.running;
}

function launch(id: string, leaseSentAt: number) {
  const controller = new AbortController();
  const done = runUpdateTask(id, controller, taskDeps())
    .catch(async (error: unknown) => {
      // The runner records its own failures; this is the database failing under it for longer
      // than the retries last. Viewers read the task's error: the message goes to the log under an id.
      // If this write fails too, the task stays ours and "running" until a dispatch pass reaps it.
      // A fenced run says so: its lease was lost to the outage (fence.ts).
      const fenced = controller.signal.reason === ABORT.fenced;
      const message = fenced ? `Interrupted: ${fencedWhy()}.` : messageForUsers(`task ${id}`, error, false);
      await retryThroughOutage(`task ${id}: final write`, () =>
        db().task.updateMany({
          where: { id, status: "running", runnerId: thisRunner.id },
          data: {
            status: fenced ? "interrupted" : "failed",
            error: message,
            finishedAt: new Date(),
            leaseExpiresAt: null,
          },
        }),
      ).catch(() => undefined);
    })
    .finally(() => {
      unregister(id);
      void dispatchTasks().catch((error: unknown) => console.error(`[ac] task dispatch: ${(error as Error).message}`));
    });
  register(id, controller, done, leaseSentAt);
}
