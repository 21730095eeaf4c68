// Starting an update: plan it, refuse what cannot run (a missing playbook, an instance already
// in an unfinished task), store the task as pending and let the queue start it: here on a runner
// replica, on another one when this replica only enqueues (TASK_RUNNER_ENABLED=false).
import type { AuditSink } from "../audit/recorder";
import { db, Prisma } from "../db";
import { AppError } from "../errors";
import { taskDeps } from "./deps";
import { buildPlan, type UpdateRequest } from "./plan";
import { initialProgress, UPDATE_TASK_KIND, type Plan, type TaskParameters, type TaskTarget } from "./plan-types";
import { dispatchTasks, TASKS_LOCK_KEY } from "./queue";
import { buildRolloutPlan, type RolloutRequest } from "./rollout-plan";

export const previewUpdate = (request: UpdateRequest) => buildPlan(request, taskDeps().haproxy);
export const previewRollout = (request: RolloutRequest) => buildRolloutPlan(request, taskDeps().haproxy);

type Busy = { task_id: string; status: string; created_by: string; instance_id: number };

type StartOptions = {
  /** The task this one retries from its failed batch (recovery.ts). */
  retryOfId?: string;
  /** Runs in the creating transaction, with the new task's id. */
  afterCreate?: (tx: Prisma.TransactionClient, id: string) => Promise<void>;
  /** The call's audit row, written in the creating transaction (docs/audit.md). */
  audit?: AuditSink;
};

export async function startUpdateTask(
  request: UpdateRequest,
  createdBy: string,
  options: StartOptions = {},
): Promise<{ id: string }> {
  return createTask(await previewUpdate(request), createdBy, options);
}

/** A rollout of several groups as one task (docs/update-tasks.md, "Multi-group rollouts and canaries"). */
export async function startRollout(
  request: RolloutRequest,
  createdBy: string,
  options: StartOptions = {},
): Promise<{ id: string }> {
  return createTask(await previewRollout(request), createdBy, options);
}

type Planned = { plan: Plan; target: TaskTarget; parameters: TaskParameters };

async function createTask({ plan, target, parameters }: Planned, createdBy: string, options: StartOptions) {
  if (plan.problems.length) throw new AppError("PRECONDITION_FAILED", plan.problems.join("; "));
  const id = await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${TASKS_LOCK_KEY}::bigint)`;
    const busy = await tx.$queryRaw<Busy[]>`
      SELECT t.id::text AS task_id, t.status::text AS status, t.created_by, e.value::int AS instance_id
      FROM tasks t, jsonb_array_elements(t.target -> 'instanceIds') AS e
      WHERE t.status IN ('pending', 'running', 'paused') AND e.value::int = ANY(${target.instanceIds}::int[])
      ORDER BY t.created_at LIMIT 5`;
    if (busy.length) {
      const names = new Map(
        plan.batches.flatMap((b) => b.instances).map((i) => [i.id, `${i.name} on ${i.server.name}`]),
      );
      const first = busy[0]!;
      const who = busy.map((b) => names.get(b.instance_id)).join(", ");
      throw new AppError(
        "CONFLICT",
        `${who} ${busy.length === 1 ? "is" : "are"} already in update task ${first.task_id.slice(0, 8)} (${first.status}, started by ${first.created_by}): wait for it to finish or cancel it`,
      );
    }
    const task = await tx.task.create({
      data: {
        kind: UPDATE_TASK_KIND,
        createdBy,
        target: target as unknown as Prisma.InputJsonValue,
        parameters: parameters as unknown as Prisma.InputJsonValue,
        progress: initialProgress(plan) as unknown as Prisma.InputJsonValue,
        retryOfId: options.retryOfId,
      },
      select: { id: true },
    });
    await options.afterCreate?.(tx, task.id);
    const stages = plan.stages ?? [];
    await options.audit?.record(tx, {
      target:
        stages.length > 1
          ? { type: "task", id: task.id, label: `rollout of ${stages.map((s) => s.group?.name).join(", ")}` }
          : target.groupId
            ? { type: "group", id: target.groupId }
            : null,
      details: {
        targetVersion: parameters.targetVersion,
        instances: target.instanceIds.length,
        batches: plan.batches.length,
        ...(stages.length > 1
          ? { stages: stages.map((s) => ({ group: s.group?.name ?? null, targetVersion: s.targetVersion })) }
          : {}),
        ...(parameters.canary ? { canary: true } : {}),
        ...(parameters.pauseBetweenStages ? { pauseBetweenStages: true } : {}),
      },
      taskId: task.id,
    });
    return task.id;
  });
  await dispatchTasks();
  return { id };
}
