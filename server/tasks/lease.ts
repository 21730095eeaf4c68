// The runner's heartbeat (docs/update-tasks.md, "Runners, leases and replicas"): every
// TASK_HEARTBEAT_SECONDS it renews the lease of each task it runs, in one statement on the
// database's clock, and reads back what other replicas asked of them. A task marked "cancel now" is
// aborted here; a task no longer ours (reaped after a lease ran out while this process was cut
// off) is stopped, so two runners never work on one task. A renewal that succeeded moves the
// task's fence (fence.ts); one that did not leaves the fence to stop the run in time.
import { db } from "../db";
import { monotonicNow } from "./fence";
import { abortRunningTask, leasedHere, leaseRenewed } from "./registry";
import { ABORT, renewedLeaseSql, thisRunner } from "./runner-identity";

export async function renewLeases(): Promise<void> {
  const ids = leasedHere();
  if (!ids.length) return;
  const sentAt = monotonicNow(); // the lease the database writes ends no earlier than this + the lease
  await db().$executeRaw`
    UPDATE tasks SET ${renewedLeaseSql()}
    WHERE id = ANY(${ids}::uuid[]) AND status = 'running' AND runner_id = ${thisRunner.id}`;
  const rows = await db().task.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true, runnerId: true, cancelNow: true },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const id of ids) {
    const row = byId.get(id);
    // "interrupted" is only ever written by a reaper here (a fenced run is not renewed); a run that just finished is not lost.
    if (!row || row.runnerId !== thisRunner.id || row.status === "interrupted") {
      if (abortRunningTask(id, ABORT.leaseLost))
        console.warn(`[ac] task ${id}: its lease is no longer this runner's; stopping it here`);
      continue;
    }
    // Still ours and running after the update: the update renewed it.
    if (row.status === "running") leaseRenewed(id, sentAt);
    if (row.cancelNow && row.status === "running") abortRunningTask(id, ABORT.cancelNow);
  }
}
