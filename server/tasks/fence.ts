// Self-fencing (docs/update-tasks.md, "Database outages"; docs/security.md): a runner that cannot
// renew a task's lease stops the task's work before any other replica may reap it, so a retry or a
// return-to-pool never acts beside a playbook still running here. The lease ends at the database's
// clock_timestamp() of the renewal + TASK_LEASE_SECONDS (runner-identity.ts), which is no earlier
// than when the runner sent it; the runner counts from that moment on its monotonic clock (not the
// wall clock, which NTP may step) and fences a margin before the lease's end. An outage shorter
// than that is ridden through as before.
import { performance } from "node:perf_hooks";
import { config } from "../config";
import { fenceAfterMs } from "./fence-timing";
import { thisRunner } from "./runner-identity";

export { FENCE, fenceAfterMs } from "./fence-timing";

/** Why a fenced run ended, for the task's error (the reaper names its own reasons the same way). */
export const fencedWhy = () =>
  `its runner ${thisRunner.id} lost its lease during a database outage (no renewal succeeded for ` +
  `${Math.floor(fenceAfterMs(config().TASK_LEASE_SECONDS) / 1000)} s) and stopped the task before another runner could reap it`;

/** The runner's clock for leases: monotonic, milliseconds. */
export const monotonicNow = () => performance.now();

/**
 * Whether this process's heartbeat runs (worker.ts). Only then are leases renewed, and only then
 * fenced: a process running tasks without it (tests that call the dispatch directly) renews none,
 * and is the only runner on its database.
 */
export const heartbeat = ((globalThis as { acTaskHeartbeat?: { running: boolean } }).acTaskHeartbeat ??= {
  running: false,
});

/**
 * One task's fence: fires `onFence` once, `fenceAfterMs` after the newest renewal (or the claim)
 * it was told of while the heartbeat runs.
 */
export class LeaseFence {
  private timer: NodeJS.Timeout | undefined;
  private heldFrom = -Infinity;
  fired = false;

  constructor(
    sentAt: number,
    private readonly onFence: () => void,
  ) {
    this.renewed(sentAt);
  }

  /** A renewal (or the claim) sent at `sentAt` (monotonicNow) succeeded. */
  renewed(sentAt: number): void {
    if (this.fired || !heartbeat.running || sentAt <= this.heldFrom) return;
    this.heldFrom = sentAt;
    clearTimeout(this.timer);
    const wait = sentAt + fenceAfterMs(config().TASK_LEASE_SECONDS) - monotonicNow();
    this.timer = setTimeout(
      () => {
        this.fired = true;
        this.onFence();
      },
      Math.max(0, wait),
    );
    this.timer.unref(); // the run itself keeps the process alive
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
