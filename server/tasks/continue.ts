// Continue: an operator lets a paused task go on (docs/update-tasks.md, "Multi-group rollouts and
// canaries"). The task becomes pending; whichever runner claims it next starts at the batch after
// the pause (stages.ts), within TASKS_MAX_PARALLEL like any pending task.
import { z } from "zod";
import type { AuditSink } from "../audit/recorder";
import { db, Prisma } from "../db";
import { AppError, notFound } from "../errors";
import { appendLog } from "./log";
import { pauseLabel } from "./stages";
import { where, type TaskParameters, type TaskProgress } from "./plan-types";
import { dispatchTasks } from "./queue";

export const continueInput = z.object({ id: z.uuid("not a task id") });

/** The operator's side: a paused task becomes pending; a runner claims it and goes on after the pause. */
export async function continueTask(id: string, actor: string, audit: AuditSink) {
  const resumed = await db().$transaction(async (tx) => {
    const task = await tx.task.findUnique({
      where: { id },
      select: { status: true, progress: true, parameters: true },
    });
    if (!task) throw notFound("Task");
    const progress = task.progress as unknown as TaskProgress | null;
    if (task.status !== "paused" || !progress?.pause)
      throw new AppError("CONFLICT", `The task is ${task.status}, not paused: there is nothing to continue`);
    const pause = progress.pause;
    const next = { ...progress, pause: null };
    // Guarded by the status read above: of two Continues (or a Continue and a Cancel) one wins.
    const { count } = await tx.task.updateMany({
      where: { id, status: "paused" },
      data: { status: "pending", progress: next as unknown as Prisma.InputJsonValue },
    });
    if (!count) throw new AppError("CONFLICT", "The task changed meanwhile: reload it");
    const version = (task.parameters as unknown as TaskParameters).targetVersion;
    await audit.record(tx, {
      target: { type: "task", id, label: `update to ${version}` },
      changes: { status: { from: "paused", to: "pending" } },
      details: { after: pauseLabel(progress.plan, pause), nextBatch: pause.afterBatch + 2 },
      taskId: id,
    });
    return { pause, plan: progress.plan };
  });
  const next = where({ plan: resumed.plan }, resumed.pause.afterBatch + 1);
  await appendLog(
    id,
    `[ac ${new Date().toISOString().slice(11, 19)}] continued by ${actor} after ${pauseLabel(resumed.plan, resumed.pause)}: next ${next}\n`,
  );
  await dispatchTasks();
  return { status: "pending" as const };
}
