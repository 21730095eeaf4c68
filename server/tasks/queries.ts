// Reading tasks: the list with its filters, one task with its plan and progress, and its log
// from an offset (the task page polls it while the task runs).
import { z } from "zod";
import { db, Prisma } from "../db";
import { notFound } from "../errors";
import { likeExact } from "../like-pattern";
import { TaskStatus } from "../generated/prisma/enums";
import { pageArgs, pageInput, pageResult } from "../pagination";
import { MAX_LOG_OFFSET, readLog } from "./log";
import {
  outOfPoolOf,
  outOfServiceOf,
  stagesOf,
  type TaskParameters,
  type TaskProgress,
  type TaskTarget,
} from "./plan-types";
import { positiveId, storedDate } from "../../lib/schemas";

export const taskListInput = pageInput.extend({
  status: z.enum(TaskStatus).optional(),
  groupId: positiveId.optional(),
  /** Tasks that include this instance. */
  instanceId: positiveId.optional(),
  /** Login or token name of who started it (exact, case-insensitive). */
  createdBy: z.string().trim().min(1).max(200).optional(),
  from: storedDate.optional(),
  to: storedDate.optional(),
});

const taskSummarySelect = {
  id: true,
  kind: true,
  status: true,
  target: true,
  parameters: true,
  progress: true,
  createdBy: true,
  error: true,
  cancelRequested: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  runnerId: true,
  heartbeatAt: true,
  leaseExpiresAt: true,
  retryOfId: true,
  retry: { select: { id: true, status: true } },
} satisfies Prisma.TaskSelect;

type Row = Prisma.TaskGetPayload<{ select: typeof taskSummarySelect }>;

/** The JSON columns typed, and the counts a progress bar needs. */
function shape(row: Row) {
  const progress = row.progress as unknown as TaskProgress | null;
  const steps = progress?.batches.flatMap((b) => b.steps) ?? [];
  return {
    ...row,
    target: row.target as unknown as TaskTarget,
    parameters: row.parameters as unknown as TaskParameters,
    progress,
    /** The groups in the order they run, each with its version and batches (one for a single-group task). */
    stages: progress ? stagesOf(progress.plan) : [],
    counts: {
      batches: progress?.batches.length ?? 0,
      batchesDone: progress?.batches.filter((b) => b.status === "succeeded").length ?? 0,
      steps: steps.length,
      stepsDone: steps.filter((s) => s.status === "succeeded" || s.status === "skipped").length,
      instances: progress?.plan.batches.reduce((n, b) => n + b.instances.length, 0) ?? 0,
      /**
       * What "return to pool" would put back (docs/update-tasks.md): the HAProxy servers the task
       * drained and has not readied, and the instances it set OUT_OF_SERVICE in Eureka, not yet UP.
       */
      outOfPool: progress ? outOfPoolOf(progress).length + outOfServiceOf(progress).length : 0,
      /** Of those, the Eureka instances. */
      outOfService: progress ? outOfServiceOf(progress).length : 0,
    },
  };
}

export async function listTasks(input: z.output<typeof taskListInput>) {
  const where: Prisma.TaskWhereInput = {
    ...(input.status ? { status: input.status } : {}),
    // A rollout lists every group it updates in target.groupIds.
    ...(input.groupId
      ? {
          OR: [
            { target: { path: ["groupId"], equals: input.groupId } },
            { target: { path: ["groupIds"], array_contains: [input.groupId] } },
          ],
        }
      : {}),
    ...(input.instanceId ? { AND: [{ target: { path: ["instanceIds"], array_contains: [input.instanceId] } }] } : {}),
    ...(input.createdBy ? { createdBy: { equals: likeExact(input.createdBy), mode: "insensitive" } } : {}),
    ...(input.from || input.to
      ? { createdAt: { ...(input.from ? { gte: input.from } : {}), ...(input.to ? { lte: input.to } : {}) } }
      : {}),
  };
  const [rows, total] = await Promise.all([
    db().task.findMany({
      where,
      select: taskSummarySelect,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      ...pageArgs(input),
    }),
    db().task.count({ where }),
  ]);
  return pageResult(
    rows.map((row) => {
      const { progress, ...rest } = shape(row);
      return {
        ...rest,
        group: progress?.plan.group ?? null,
        targetVersion: rest.parameters.targetVersion,
        /** Set while paused: after which batch, why, since when. */
        pause: progress?.pause ?? null,
      };
    }),
    total,
    input,
  );
}

/**
 * Tasks waiting for Continue, longest first, for the dashboard (docs/update-tasks.md, "Multi-group
 * rollouts and canaries"): a pause holds its instances until someone acts, so it must not go unseen.
 */
export async function pausedTasks(limit: number) {
  const rows = await db().$queryRaw<
    { id: string; since: string | null; reason: string | null; group: string | null; created_by: string }[]
  >`
    SELECT id, progress #>> '{pause,since}' AS since, progress #>> '{pause,reason}' AS reason,
      progress #>> '{plan,group,name}' AS "group", created_by
    FROM tasks WHERE status = 'paused'
    ORDER BY progress #>> '{pause,since}' NULLS FIRST, id LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    /** When it paused (ISO), null in tasks paused before this was recorded. */
    since: r.since,
    reason: r.reason === "canary" ? ("canary" as const) : ("stage" as const),
    group: r.group,
    createdBy: r.created_by,
  }));
}

/** The groups that have tasks (every group of a rollout too), for the list's filter. */
export const taskGroupOptions = () =>
  db().$queryRaw<{ id: number; name: string }[]>`
    SELECT DISTINCT id, name FROM (
      SELECT (progress #>> '{plan,group,id}')::int AS id, progress #>> '{plan,group,name}' AS name
      FROM tasks WHERE progress #> '{plan,group}' IS NOT NULL AND jsonb_typeof(progress #> '{plan,group}') = 'object'
      UNION ALL
      SELECT (s #>> '{group,id}')::int, s #>> '{group,name}'
      FROM tasks, jsonb_array_elements(
        CASE WHEN jsonb_typeof(progress #> '{plan,stages}') = 'array' THEN progress #> '{plan,stages}' ELSE '[]'::jsonb END
      ) AS s
      WHERE jsonb_typeof(s -> 'group') = 'object'
    ) AS g
    ORDER BY name`;

export async function getTask(id: string) {
  const row = await db().task.findUnique({ where: { id }, select: taskSummarySelect });
  if (!row) throw notFound("Task");
  return shape(row);
}

export const taskLogInput = z.object({
  id: z.uuid("not a task id"),
  offset: z.number().int().min(0).max(MAX_LOG_OFFSET, "an offset beyond any log").default(0),
});

/** A slice of the log plus the task's state, so one poll updates the whole page. */
export async function taskLog({ id, offset }: z.output<typeof taskLogInput>) {
  const [log, task] = await Promise.all([readLog(id, offset), getTask(id)]);
  if (!log) throw notFound("Task");
  return { ...log, task };
}
