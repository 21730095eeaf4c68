// Who this process is as a task runner, and how long its claim on a task holds
// (docs/update-tasks.md, "Runners, leases and replicas"). The id names the host and pid so a log
// line or the task page says where a task ran; the random part tells a restarted process (same
// pid in a new container) from the one before.
import { randomBytes } from "node:crypto";
import os from "node:os";
import { config } from "../config";

// One identity per process, kept on globalThis: Next.js bundles instrumentation (the heartbeat)
// and the route handlers (tasks.start dispatching) separately, each with its own copy of this
// module; two ids in one process made the heartbeat stop the tasks the other copy had claimed.
const holder = globalThis as { acTaskRunner?: { host: string; id: string } };
export const thisRunner = (holder.acTaskRunner ??= {
  host: os.hostname(),
  id: `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
});

/** The end of a lease taken or renewed now (the runner's clock; hosts must keep time, e.g. NTP). */
export const leaseUntil = (now: Date) => new Date(now.getTime() + config().TASK_LEASE_SECONDS * 1000);

/** Why a run was aborted (its AbortSignal's reason): an operator's "cancel now", or the lease is no longer ours. */
export const ABORT = { cancelNow: "cancel-now", leaseLost: "lease-lost" } as const;
