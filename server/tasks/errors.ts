// How a step ends early. The runner turns StepFailed into a failed task naming the step and the
// reason; Cancelled (cancel "now" while the step ran) into a cancelled task.
export class StepFailed extends Error {
  override name = "StepFailed";
}

export class Cancelled extends Error {
  override name = "Cancelled";
  constructor() {
    super("cancelled");
  }
}

/** Waits, unless the task is cancelled "now" meanwhile. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new Cancelled());
  return new Promise((resolve, reject) => {
    const done = () => {
      signal.removeEventListener("abort", abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(new Cancelled());
    };
    signal.addEventListener("abort", abort, { once: true });
  });
}
