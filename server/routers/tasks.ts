import { tracked } from "@trpc/server";
import { z } from "zod";
import { availableVersions } from "../artifacts/available-versions";
import { actorName } from "../auth/actor";
import { cancelInput, cancelTask } from "../tasks/cancel";
import { continueInput, continueTask } from "../tasks/continue";
import { updateRequestInput } from "../tasks/plan";
import { MAX_LOG_OFFSET } from "../tasks/log";
import { recoveryInput, retryFromFailedBatch, returnToPool } from "../tasks/recovery";
import { rolloutRequestInput } from "../tasks/rollout-plan";
import { getTask, listTasks, taskGroupOptions, taskListInput, taskLog, taskLogInput } from "../tasks/queries";
import { previewRollout, previewUpdate, startRollout, startUpdateTask } from "../tasks/start";
import { followTask } from "../live/task-follow";
import { withUrlSecretsFor } from "../security/reader-urls";
import { authorized, router } from "../trpc/init";
import { accessRecheck, liveStream, streamSignal } from "../trpc/subscription";
import { positiveId } from "../../lib/schemas";

const taskId = z.object({ id: z.uuid("not a task id") });
const groupId = z.object({ groupId: positiveId });

// A task's plan names every instance's artifact URL: its credentials are starred but for admins
// (server/security/reader-urls.ts).
export const tasksRouter = router({
  /** Filters: status, group, who started it, created between from and to. Newest first. */
  list: authorized("tasks.read")
    .input(taskListInput)
    .query(async ({ input, ctx }) => withUrlSecretsFor(ctx.actor, await listTasks(input))),
  /** Groups that have tasks (id, name), for a filter. */
  groupOptions: authorized("tasks.read").query(() => taskGroupOptions()),
  /** Target, parameters, plan and per-step progress (no log). */
  get: authorized("tasks.read")
    .input(taskId)
    .query(async ({ input, ctx }) => withUrlSecretsFor(ctx.actor, await getTask(input.id))),
  /** The log from `offset` on, with `nextOffset` for the next call, and the task's current state. */
  log: authorized("tasks.read")
    .input(taskLogInput)
    .query(async ({ input, ctx }) => withUrlSecretsFor(ctx.actor, await taskLog(input))),
  /**
   * The log and state as they change, until a finished task's log is sent (docs/api.md,
   * "Subscriptions"). Each event's id is the log offset after it: reconnecting with it as
   * `lastEventId` (httpSubscriptionLink does) resumes with the next character.
   */
  follow: authorized("tasks.read")
    .input(
      z.object({
        id: z.uuid("not a task id"),
        lastEventId: z
          .string()
          .regex(/^\d{1,10}$/, "not an event id of this stream")
          .refine((id) => Number(id) <= MAX_LOG_OFFSET, "an event id beyond any log")
          .nullish(),
      }),
    )
    .subscription(async function* ({ input, ctx, signal }) {
      const from = input.lastEventId ? Number(input.lastEventId) : 0;
      const updates = liveStream(ctx.actor, () =>
        followTask(input.id, from, streamSignal(signal), accessRecheck(ctx, ["tasks.read"])),
      );
      for await (const update of updates) yield tracked(String(update.offset), withUrlSecretsFor(ctx.actor, update));
    }),
  /** The group's installable versions, newest first; read again when older than TAGS_CACHE_MAX_AGE. */
  versions: authorized("tasks.read")
    .input(groupId)
    .query(async ({ input, ctx }) => withUrlSecretsFor(ctx.actor, await availableVersions(input.groupId))),
  /** Reads the group's version list now; a failure keeps the last good list and returns its reason. */
  refreshVersions: authorized("task.start")
    .input(groupId)
    .mutation(async ({ input, ctx }) =>
      withUrlSecretsFor(ctx.actor, await availableVersions(input.groupId, { refresh: true })),
    ),
  /** The plan an update would run: batches, playbooks, artifact URLs, HAProxy servers, warnings. */
  preview: authorized("task.start")
    .input(updateRequestInput)
    .mutation(async ({ input, ctx }) => withUrlSecretsFor(ctx.actor, (await previewUpdate(input)).plan)),
  /** Starts an update task (pending until a slot is free); CONFLICT when an instance is already in one. */
  start: authorized("task.start")
    .input(updateRequestInput)
    .mutation(({ input, ctx }) => startUpdateTask(input, actorName(ctx.actor), { audit: ctx.audit })),
  /** The plan of a rollout of several groups, each to its own version, in the order given. */
  previewRollout: authorized("task.start")
    .input(rolloutRequestInput)
    .mutation(async ({ input, ctx }) => withUrlSecretsFor(ctx.actor, (await previewRollout(input)).plan)),
  /** Starts a multi-group rollout as one task (docs/update-tasks.md, "Multi-group rollouts and canaries"). */
  startRollout: authorized("task.start")
    .input(rolloutRequestInput)
    .mutation(({ input, ctx }) => startRollout(input, actorName(ctx.actor), { audit: ctx.audit })),
  /** A paused task (after its canary, or between two groups) goes on with its next batch. */
  continue: authorized("task.continue")
    .input(continueInput)
    .mutation(({ input, ctx }) => continueTask(input.id, actorName(ctx.actor), ctx.audit)),
  cancel: authorized("task.cancel")
    .input(cancelInput)
    .mutation(({ input, ctx }) => cancelTask(input, actorName(ctx.actor), ctx.audit)),
  /** A stopped task (failed, interrupted, cancelled): ready exactly the HAProxy servers it left out of the pool. */
  returnToPool: authorized("task.returnToPool")
    .input(recoveryInput)
    .mutation(({ input, ctx }) => returnToPool(input.id, actorName(ctx.actor))),
  /** A failed or interrupted task: a new task for its failed batch and the ones after it; returns its id. */
  retry: authorized("task.retry")
    .input(recoveryInput)
    .mutation(({ input, ctx }) => retryFromFailedBatch(input.id, actorName(ctx.actor))),
});
