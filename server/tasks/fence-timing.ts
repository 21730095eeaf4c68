// The fence's timing (fence.ts), without dependencies: the configuration checks a lease against it.

export const FENCE = {
  /** The runner's and the database host's clocks may run this much apart (NTP slews at most 0.05 %). */
  clockRate: 0.01,
  /**
   * For the fence's timer firing late on a busy event loop and the playbook's process group dying
   * after its SIGKILL (playbook.ts).
   */
  slackMs: 2_000,
} as const;

/** How long after a renewal was sent the runner fences itself, unless another one succeeded. */
export const fenceAfterMs = (leaseSeconds: number) => leaseSeconds * 1000 * (1 - FENCE.clockRate) - FENCE.slackMs;
