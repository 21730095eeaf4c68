// Pending tasks wait here until one of TASKS_MAX_PARALLEL slots is free, counted across AC in
// the database. Claiming a task and creating one (start.ts) share an advisory lock, so the
// limit and the one-task-per-instance rule hold under concurrent requests. A claimed task runs
// in this process; the registry lets "cancel now" reach it and tests await it.
import { config } from "../config";
import { db } from "../db";
import { messageForUsers } from "../error-report";
import { taskDeps } from "./deps";
import { runUpdateTask } from "./runner";

/** Key of the advisory lock around task creation and claiming (any constant works). */
export const TASKS_LOCK_KEY = 0x41435441; // "ACTA"

type Running = { controller: AbortController; done: Promise<unknown> };
const registry = ((globalThis as { acTaskRuns?: Map<string, Running> }).acTaskRuns ??= new Map());

async function claimNext(): Promise<string | null> {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${TASKS_LOCK_KEY}::bigint)`;
    const running = await tx.task.count({ where: { status: "running" } });
    if (running >= config().TASKS_MAX_PARALLEL) return null;
    const next = await tx.task.findFirst({
      where: { status: "pending" },
      orderBy: { createdAt: "asc" },
      select: { id: true },
    });
    if (!next) return null;
    await tx.task.update({
      where: { id: next.id },
      data: { status: "running", startedAt: new Date() },
      select: { id: true },
    });
    return next.id;
  });
}

let dispatching: Promise<void> | null = null;
let again = false;

/** Starts pending tasks while slots are free. Safe to call any time; a call during a pass adds one more pass. */
export function dispatchTasks(): Promise<void> {
  if (dispatching) {
    again = true;
    return dispatching;
  }
  dispatching = (async () => {
    try {
      do {
        again = false;
        for (let id = await claimNext(); id; id = await claimNext()) launch(id);
      } while (again);
    } finally {
      dispatching = null;
    }
  })();
  return dispatching;
}

function launch(id: string) {
  const controller = new AbortController();
  const done = runUpdateTask(id, controller.signal, taskDeps())
    .catch(async (error: unknown) => {
      // The runner records its own failures; this is the database failing under it.
      // Viewers read the task's error: the database's message goes to the log under an id.
      const message = messageForUsers(`task ${id}`, error, false);
      await db()
        .task.update({ where: { id }, data: { status: "failed", error: message, finishedAt: new Date() } })
        .catch(() => undefined);
    })
    .finally(() => {
      registry.delete(id);
      void dispatchTasks().catch((error: unknown) => console.error(`[ac] task dispatch: ${(error as Error).message}`));
    });
  registry.set(id, { controller, done });
}

/** Stops the task's current step at once, when it runs in this process. */
export function abortRunningTask(id: string): boolean {
  const running = registry.get(id);
  running?.controller.abort();
  return !!running;
}

/** Resolves when the task, if it runs in this process, has finished (tests, shutdown). */
export async function taskFinished(id: string): Promise<void> {
  await registry.get(id)?.done;
}

export const runningHere = () => [...registry.keys()];
