// The runner's heartbeat (docs/update-tasks.md, "Runners, leases and replicas"): every
// TASK_HEARTBEAT_SECONDS it renews the lease of each task it runs, in one statement, and reads
// back what other replicas asked of them. A task marked "cancel now" is aborted here; a task no
// longer ours (reaped after a lease ran out while this process was cut off) is stopped, so two
// runners never work on one task.
import { db } from "../db";
import { abortRunningTask, runningHere } from "./registry";
import { ABORT, leaseUntil, thisRunner } from "./runner-identity";

export async function renewLeases(): Promise<void> {
  const ids = runningHere();
  if (!ids.length) return;
  const now = new Date();
  await db().task.updateMany({
    where: { id: { in: ids }, status: "running", runnerId: thisRunner.id },
    data: { heartbeatAt: now, leaseExpiresAt: leaseUntil(now) },
  });
  const rows = await db().task.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true, runnerId: true, cancelNow: true },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const id of ids) {
    const row = byId.get(id);
    // "interrupted" is only ever written by a reaper; a run that just finished is not lost.
    if (!row || row.runnerId !== thisRunner.id || row.status === "interrupted") {
      if (abortRunningTask(id, ABORT.leaseLost))
        console.warn(`[ac] task ${id}: its lease is no longer this runner's; stopping it here`);
    } else if (row.cancelNow && row.status === "running") {
      abortRunningTask(id, ABORT.cancelNow);
    }
  }
}
