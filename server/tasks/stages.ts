// How the runner goes through a rollout's stages (one group each, its own version) and where it
// pauses for an operator's Continue: after the canary, or between two groups of a rollout
// (docs/update-tasks.md, "Multi-group rollouts and canaries"). The pause lives in the database,
// not in a process: the runner ends its run with the task `paused` and its lease released, so a
// paused task holds no runner slot (TASKS_MAX_PARALLEL), is never reaped, and survives any
// replica's restart. Continue makes it `pending` again; whichever runner claims it next goes on
// with the batch after the pause (continue.ts). Cancel ends a paused task at once (cancel.ts).
import type { AuditSink } from "../audit/recorder";
import { db, Prisma } from "../db";
import { retryThroughOutage } from "./db-retry";
import type { TaskLog } from "./log";
import {
  stageOf,
  stagesOf,
  where,
  type Plan,
  type TaskParameters,
  type TaskPause,
  type TaskProgress,
} from "./plan-types";
import { thisRunner } from "./runner-identity";

/** Why the run pauses after `batch`, if it does: never after the last batch (the task simply ends). */
export function pauseDue(plan: Plan, params: TaskParameters, batch: number): TaskPause["reason"] | null {
  if (batch + 1 >= plan.batches.length) return null;
  if (params.canary && plan.batches[batch]?.canary) return "canary";
  const stage = stageOf(plan, batch);
  if (params.pauseBetweenStages && batch === stage.firstBatch + stage.batchCount - 1) return "stage";
  return null;
}

/** Where a run starts: the first batch not done yet (0 for a new task, the one after the pause after a Continue). */
export function firstBatchToRun(progress: TaskProgress): number {
  const next = progress.batches.findIndex((b) => b.status !== "succeeded");
  return next < 0 ? progress.batches.length : next;
}

/** "the canary (batch 1/4)" / "stage 1/2 (cart)": what a pause follows, for the log and the page. */
export function pauseLabel(plan: Plan, pause: Pick<TaskPause, "afterBatch" | "reason">): string {
  if (pause.reason === "canary") return `the canary (${where({ plan }, pause.afterBatch)})`;
  const stage = stageOf(plan, pause.afterBatch);
  return `stage ${stage.index + 1}/${stagesOf(plan).length}${stage.group ? ` (${stage.group.name})` : ""}`;
}

/** The run's first log line: what it updates, or where it goes on after a Continue. */
export function runStartLine(plan: Plan, params: TaskParameters, createdBy: string, from: number): string {
  const stages = stagesOf(plan);
  const total = plan.batches.length;
  const what =
    stages.length > 1
      ? `rollout of ${stages.length} groups (${stages.map((s) => `${s.group?.name ?? "—"} → ${s.targetVersion}`).join(", ")})`
      : `update to ${params.targetVersion}`;
  if (from > 0) return `${what}: going on at ${where({ plan }, from)} on runner ${thisRunner.id}`;
  return `${what} started by ${createdBy}: ${total} batch${total === 1 ? "" : "es"}, strategy ${plan.strategy}${params.canary ? ", canary first" : ""}`;
}

/** "stage 2/2: web → 2.0" before a rollout's stage begins; null inside a stage or for a single group. */
export function stageStartLine(plan: Plan, batch: number): string | null {
  const count = stagesOf(plan).length;
  const stage = stageOf(plan, batch);
  if (count < 2 || batch !== stage.firstBatch) return null;
  return `stage ${stage.index + 1}/${count}: ${stage.group?.name ?? "—"} → ${stage.targetVersion}`;
}

/**
 * The runner's side, after the batch a pause is due after: the task becomes `paused` with its
 * lease released, in one guarded write with its audit row. "cancelled" when a cancel was asked
 * meanwhile (the run ends cancelled), "lost" when the task is no longer this runner's.
 */
export async function pauseForContinue(
  taskId: string,
  state: TaskProgress,
  params: TaskParameters,
  batch: number,
  log: TaskLog,
  audit: AuditSink,
): Promise<"paused" | "cancelled" | "lost"> {
  const pause: TaskPause = {
    afterBatch: batch,
    reason: pauseDue(state.plan, params, batch)!,
    since: new Date().toISOString(),
  };
  state.pause = pause;
  state.current = null;
  const progress = structuredClone(state) as unknown as Prisma.InputJsonValue;
  const held = await retryThroughOutage(`task ${taskId}: pause`, () =>
    db().$transaction(async (tx) => {
      const { count } = await tx.task.updateMany({
        where: { id: taskId, status: "running", runnerId: thisRunner.id, cancelRequested: false },
        data: { status: "paused", progress, leaseExpiresAt: null },
      });
      if (count)
        await audit.record(tx, {
          target: { type: "task", id: taskId, label: "update task" },
          changes: { status: { from: "running", to: "paused" } },
          details: { after: pauseLabel(state.plan, pause) },
        });
      return count > 0;
    }),
  );
  if (held) {
    log.line(`paused after ${pauseLabel(state.plan, pause)}: waiting for an operator's Continue`);
    await log.flush();
    return "paused";
  }
  state.pause = null;
  const row = await retryThroughOutage(`task ${taskId}: pause`, () =>
    db().task.findUnique({ where: { id: taskId }, select: { status: true, runnerId: true } }),
  );
  return row?.status === "running" && row.runnerId === thisRunner.id ? "cancelled" : "lost";
}
