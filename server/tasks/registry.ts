// The update tasks this process runs: their abort controllers (cancel now, lease lost, fenced),
// their lease fences (fence.ts) and their completion, which tests and the heartbeat read. Only the
// queue (queue.ts) adds to it.
import { LeaseFence } from "./fence";
import { ABORT } from "./runner-identity";

type Running = { controller: AbortController; done: Promise<unknown>; fence: LeaseFence };
const registry = ((globalThis as { acTaskRuns?: Map<string, Running> }).acTaskRuns ??= new Map());

/** `leaseSentAt`: when the claim that took the lease was sent (fence.ts, monotonicNow). */
export function register(id: string, controller: AbortController, done: Promise<unknown>, leaseSentAt: number) {
  const fence = new LeaseFence(leaseSentAt, () => {
    console.warn(`[ac] task ${id}: its lease could not be renewed and is about to run out; stopping it here`);
    controller.abort(ABORT.fenced);
  });
  registry.set(id, { controller, done, fence });
}

export function unregister(id: string) {
  registry.get(id)?.fence.stop();
  registry.delete(id);
}

/** The heartbeat renewed the task's lease with a write sent at `sentAt` (monotonicNow). */
export const leaseRenewed = (id: string, sentAt: number) => registry.get(id)?.fence.renewed(sentAt);

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

/** The tasks running here whose lease this runner still holds: a fenced run renews it no more. */
export const leasedHere = () => [...registry].filter(([, run]) => !run.fence.fired).map(([id]) => id);
