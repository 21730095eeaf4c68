// The update tasks this process runs: their abort controllers (cancel now, lease lost) and their
// completion, which tests and the heartbeat read. Only the queue (queue.ts) adds to it.
type Running = { controller: AbortController; done: Promise<unknown> };
const registry = ((globalThis as { acTaskRuns?: Map<string, Running> }).acTaskRuns ??= new Map());

export function register(id: string, controller: AbortController, done: Promise<unknown>) {
  registry.set(id, { controller, done });
}

export const unregister = (id: string) => registry.delete(id);

/** Stops the task's current step at once, when it runs in this process. */
export function abortRunningTask(id: string, reason: string): boolean {
  const running = registry.get(id);
  running?.controller.abort(reason);
  return !!running;
}

/** Resolves when the task, if it runs in this process, has finished (tests, shutdown). */
export async function taskFinished(id: string): Promise<void> {
  await registry.get(id)?.done;
}

export const runningHere = () => [...registry.keys()];
