// What an operator does after a task stopped with HAProxy servers out of the pool (failed,
// interrupted, or cancelled mid-batch): return exactly those servers to the pool, or retry from
// the failed batch as a new task (docs/update-tasks.md, "After a failure or an interruption").
// Both hold a per-task advisory lock, so two clicks, on one replica or two, do the work once.
import { z } from "zod";
import { finishedTaskStatuses, taskOpen } from "../../lib/tasks";
import { db, dbPool, Prisma } from "../db";
import { uniqueViolation } from "../db-errors";
import { AppError, notFound } from "../errors";
import type { TaskStatus } from "../generated/prisma/enums";
import { jobAudit, userIdOfActorName } from "../audit/jobs";
import { taskDeps } from "./deps";
import { putBackInService } from "./eureka";
import { appendLog } from "./log";
import {
  outOfPoolOf,
  outOfServiceOf,
  where,
  type OutOfPoolServer,
  type TaskParameters,
  type TaskProgress,
} from "./plan-types";
import { inRetryChain } from "./retry-chain";
import { retryRequest } from "./retry-request";
import { startRollout, startUpdateTask } from "./start";

export const recoveryInput = z.object({ id: z.uuid("not a task id") });

const FINISHED: TaskStatus[] = [...finishedTaskStatuses];
const RETRYABLE: TaskStatus[] = ["failed", "interrupted"];
// Key space of the per-task advisory lock (the second key is the task id's hash).
const RECOVERY_LOCK = 0x4143_5452; // "ACTR"

const stamp = () => new Date().toISOString().slice(11, 19);

async function withTaskLock<T>(id: string, work: () => Promise<T>): Promise<T> {
  const client = await dbPool().connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok", [
      RECOVERY_LOCK,
      id,
    ]);
    if (!rows[0]?.ok) throw new AppError("CONFLICT", "Another recovery action on this task is in progress; try again");
    try {
      return await work();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [RECOVERY_LOCK, id]);
    }
  } finally {
    client.release();
  }
}

async function loadFinished(id: string, allowed: TaskStatus[], action: string) {
  const task = await db().task.findUnique({
    where: { id },
    select: { id: true, status: true, progress: true, parameters: true, retry: { select: { id: true } } },
  });
  if (!task) throw notFound("Task");
  if (!allowed.includes(task.status))
    throw new AppError(
      "CONFLICT",
      taskOpen(task.status)
        ? `The task is ${task.status}: it readies the servers it drains itself; ${action} once it has stopped`
        : `Only a ${allowed.join(" or ")} task can be retried; this one ${task.status}`,
    );
  return { ...task, progress: task.progress as unknown as TaskProgress };
}

type ReturnResult = {
  readied: string[];
  failed: { label: string; error: string }[];
  /** Commanded (or set in Eureka) by someone else since this task took them out: left alone. */
  skipped: { label: string; reason: string }[];
};

/**
 * Who last commanded the HAProxy server successfully, from the audit log, when it is not this task
 * or one it retries (a retry's servers were drained by the task it retries): someone else since.
 */
async function lastCommandedByOther(taskId: string, haproxyServerId: number): Promise<string | null> {
  const [last] = await db().$queryRaw<{ ours: boolean | null; actor_name: string; details: unknown }[]>`
    SELECT ${inRetryChain(Prisma.raw("task_id"), taskId)} AS ours, actor_name, details FROM audit_log
    WHERE target_type = 'haproxy_server' AND target_id = ${String(haproxyServerId)}
      AND action = 'haproxy.command' AND outcome = 'success'
    ORDER BY created_at DESC, id DESC LIMIT 1`;
  if (!last || last.ours) return null;
  const startedBy = (last.details as { startedBy?: unknown } | null)?.startedBy;
  return typeof startedBy === "string" ? startedBy : last.actor_name;
}

/**
 * Readies, through the HAProxy command path, exactly the servers the stopped task left out of the
 * pool, except those someone else has commanded since (their drain or maintenance is theirs now),
 * and puts the instances it left OUT_OF_SERVICE in Eureka back UP.
 */
export async function returnToPool(id: string, actor: string): Promise<ReturnResult> {
  return withTaskLock(id, async () => {
    const task = await loadFinished(id, FINISHED, "return them");
    const servers = outOfPoolOf(task.progress);
    const outOfService = outOfServiceOf(task.progress);
    // (Nor an instance OUT_OF_SERVICE in Eureka.)
    if (!servers.length && !outOfService.length)
      throw new AppError("CONFLICT", "This task left no HAProxy server out of the pool");
    const result: ReturnResult = { readied: [], failed: [], skipped: [] };
    const left: OutOfPoolServer[] = [];
    for (const server of servers) {
      const other = await lastCommandedByOther(id, server.haproxyServerId);
      if (other) {
        result.skipped.push({ label: server.label, reason: `commanded by ${other} since; left as it is` });
        continue;
      }
      const r = await taskDeps().haproxy.runServerCommand({
        haproxyServerId: server.haproxyServerId,
        command: "ready",
        actor,
        taskId: id,
      });
      if (r.ok) result.readied.push(server.label);
      else {
        left.push(server);
        result.failed.push({ label: server.label, error: r.error ?? "refused" });
      }
    }
    // The Eureka instances it set OUT_OF_SERVICE go back UP (docs/update-tasks.md, "Eureka").
    const audit = jobAudit({
      job: "update-task",
      action: "eureka.status",
      startedBy: { name: actor, userId: await userIdOfActorName(actor) },
      taskId: id,
    });
    const eureka = await putBackInService(id, outOfService, audit);
    result.readied.push(...eureka.up);
    result.failed.push(...eureka.failed);
    result.skipped.push(...eureka.skipped);
    // Only these lists change: a finished task's progress has no other writer.
    await db().$executeRaw`
      UPDATE tasks SET progress = jsonb_set(jsonb_set(progress, '{outOfPool}', ${JSON.stringify(left)}::jsonb),
        '{outOfService}', ${JSON.stringify(eureka.left)}::jsonb)
      WHERE id = ${id}::uuid`;
    const failed = result.failed.map((f) => `${f.label} (${f.error})`);
    const skipped = result.skipped.map((s) => `${s.label} (${s.reason})`);
    await appendLog(
      id,
      `[ac ${stamp()}] ${actor} returned to the pool: ${result.readied.join(", ") || "none"}${failed.length ? `; could not ready: ${failed.join(", ")}` : ""}${skipped.length ? `; left alone: ${skipped.join(", ")}` : ""}\n`,
    );
    return result;
  });
}

/**
 * A new task for the instances of the failed batch and every batch after it, with the same target
 * and parameters, planned afresh (mappings, playbook checks). The servers the old task left out of
 * the pool become the new task's: its drain and ready cover them, and the old task lists none.
 */
export async function retryFromFailedBatch(id: string, actor: string): Promise<{ id: string; fromBatch: number }> {
  return withTaskLock(id, async () => {
    const task = await loadFinished(id, RETRYABLE, "retry it");
    if (task.retry)
      throw new AppError("CONFLICT", `This task was already retried as task ${task.retry.id.slice(0, 8)}`);
    const { progress } = task;
    const fromBatch = progress.failure?.batch ?? progress.batches.findIndex((b) => b.status !== "succeeded");
    if (fromBatch < 0) throw new AppError("CONFLICT", "Every batch of this task succeeded: nothing to retry");
    const p = task.parameters as unknown as TaskParameters;
    const inherited = outOfPoolOf(progress);
    const handOver = async (tx: Prisma.TransactionClient, newId: string) => {
      const servers = JSON.stringify(inherited);
      await tx.$executeRaw`UPDATE tasks SET progress = jsonb_set(progress, '{outOfPool}', '[]'::jsonb) WHERE id = ${id}::uuid`;
      await tx.$executeRaw`UPDATE tasks SET progress = jsonb_set(progress, '{outOfPool}', ${servers}::jsonb) WHERE id = ${newId}::uuid`;
      // Likewise the instances it left OUT_OF_SERVICE in Eureka: the retry's eureka_up puts them back.
      const eureka = JSON.stringify(outOfServiceOf(progress));
      await tx.$executeRaw`UPDATE tasks SET progress = jsonb_set(progress, '{outOfService}', '[]'::jsonb) WHERE id = ${id}::uuid`;
      await tx.$executeRaw`UPDATE tasks SET progress = jsonb_set(progress, '{outOfService}', ${eureka}::jsonb) WHERE id = ${newId}::uuid`;
      await tx.$executeRaw`UPDATE tasks SET log = ${`[ac ${stamp()}] retry by ${actor} of task ${id} from its ${where(progress, fromBatch)}${inherited.length ? `; servers it left out of the pool, now this task's: ${inherited.map((s) => s.label).join(", ")}` : ""}\n`} WHERE id = ${newId}::uuid`;
    };
    let started: { id: string };
    try {
      const options = { retryOfId: id, afterCreate: handOver };
      const retry = retryRequest(progress.plan, p, fromBatch);
      started =
        retry.kind === "rollout"
          ? await startRollout(retry.request, actor, options)
          : await startUpdateTask(retry.request, actor, options);
    } catch (error) {
      if (uniqueViolation(error) !== null) throw new AppError("CONFLICT", "This task was already retried");
      throw error;
    }
    await appendLog(
      id,
      `[ac ${stamp()}] ${actor} retried it from ${where(progress, fromBatch)} as task ${started.id}\n`,
    );
    return { id: started.id, fromBatch };
  });
}
