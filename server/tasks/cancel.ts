// Cancelling: a pending task never starts, a paused one ends at once (between batches, nothing
// of it is drained: stages.ts); a running one stops after its current step (the
// runner checks tasks.cancel_requested between steps) or, with "now", at once: the playbook's
// process group is terminated and waits are cut short. "Now" on a task that runs on another
// replica sets tasks.cancel_now, which its runner reads at its next heartbeat (lease.ts).
import { z } from "zod";
import { config } from "../config";
import type { CallAudit } from "../audit/recorder";
import { db, Prisma } from "../db";
import { AppError, notFound } from "../errors";
import { appendLog } from "./log";
import { abortRunningTask } from "./registry";
import { ABORT } from "./runner-identity";

export const cancelInput = z.object({
  id: z.uuid("not a task id"),
  /** after_step: let the current step finish (a playbook run completes); now: stop it. */
  mode: z.enum(["after_step", "now"]).default("after_step"),
});

const stamp = () => new Date().toISOString().slice(11, 19);

/** A cancelled task is no longer waiting: its progress drops the pause (the update is guarded by status). */
async function withoutPause(id: string): Promise<Prisma.InputJsonValue> {
  const row = await db().task.findUniqueOrThrow({ where: { id }, select: { progress: true } });
  return { ...(row.progress as Prisma.JsonObject), pause: null };
}

/** `audit` gets the task and the status change; the cancellation itself is two guarded updates, not one transaction. */
export async function cancelTask(
  { id, mode }: z.output<typeof cancelInput>,
  actor: string,
  audit?: Pick<CallAudit, "describe">,
) {
  const task = await db().task.findUnique({ where: { id }, select: { status: true } });
  if (!task) throw notFound("Task");
  audit?.describe({ target: { type: "task", id, label: "update task" }, taskId: id, details: { mode } });
  // A task not running at the moment ends here; one that is pausing right now is found paused.
  for (const waiting of ["pending", "paused"] as const) {
    const before = waiting === "pending" ? "before it started" : "while paused";
    const { count } = await db().task.updateMany({
      where: { id, status: waiting },
      data: {
        status: "cancelled",
        cancelRequested: true,
        finishedAt: new Date(),
        error: `Cancelled by ${actor} ${before}`,
        ...(waiting === "paused" ? { progress: await withoutPause(id) } : {}),
      },
    });
    if (count === 1) {
      audit?.describe({ changes: { status: { from: waiting, to: "cancelled" } } });
      await appendLog(id, `[ac ${stamp()}] cancelled by ${actor} ${before}\n`);
      return {
        status: "cancelled" as const,
        note: waiting === "pending" ? "The task will not start." : "The rollout stops here.",
      };
    }
  }
  // Either it was running, or it has just been claimed: both are running now.
  const { count } = await db().task.updateMany({
    where: { id, status: "running" },
    data: { cancelRequested: true, ...(mode === "now" ? { cancelNow: true } : {}) },
  });
  if (count === 0) {
    const now = await db().task.findUniqueOrThrow({ where: { id }, select: { status: true } });
    if (now.status === "paused") return cancelTask({ id, mode }, actor, audit); // it paused meanwhile
    throw new AppError("CONFLICT", `The task has already finished (${now.status})`);
  }
  audit?.describe({ changes: { cancelRequested: { from: false, to: true } } });
  await appendLog(
    id,
    `[ac ${stamp()}] cancel requested by ${actor}: ${mode === "now" ? "now" : "after the current step"}\n`,
  );
  if (mode === "now" && !abortRunningTask(id, ABORT.cancelNow)) {
    return {
      status: "running" as const,
      note: `The task runs on another AC replica: it stops within ${config().TASK_HEARTBEAT_SECONDS} s, at its runner's next heartbeat.`,
    };
  }
  return { status: "running" as const, note: mode === "now" ? "Stopping now." : "It stops after the current step." };
}
