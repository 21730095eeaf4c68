"use client";
// The task page's live part: progress, stages, steps and log as they stream in (use-task-feed.ts).
import { useQueryClient } from "@tanstack/react-query";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { RelativeTime } from "@/components/ui/relative-time";
import { ErrorNote } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { taskOpen, taskRunning } from "@/lib/tasks";
import { CancelButtons } from "./cancel-buttons";
import { PlanNotes, PlanView } from "./plan-view";
import { TaskLogView } from "./task-log-view";
import { TaskRecovery } from "./task-recovery";
import { PauseBanner, StageSummary } from "./task-stages";
import { TaskSteps } from "./task-steps";
import { useTaskFeed, type Task } from "./use-task-feed";

/** Which runner holds the task (docs/update-tasks.md, "Runners, leases and replicas"). */
function RunnerLine({ task }: { task: Task }) {
  if (task.status === "pending")
    return <>Waiting for a task runner (an AC replica with TASK_RUNNER_ENABLED) to claim it.</>;
  if (task.status === "paused") return <>No runner holds it while it waits; any runner goes on after Continue.</>;
  if (!task.runnerId) return null;
  if (task.status !== "running") return <>Ran on runner {task.runnerId}.</>;
  return (
    <>
      Runner {task.runnerId} · last heartbeat <RelativeTime date={task.heartbeatAt} />
      {task.leaseExpiresAt ? <> · lease until {new Date(task.leaseExpiresAt).toISOString().slice(11, 19)} UTC</> : null}
      <span className="block break-normal" data-testid="runner-help">
        The runner is the AC process (host:pid:id) that runs the task; its heartbeat extends its lease, and if it stops,
        another runner takes the task over when the lease ends.
      </span>
    </>
  );
}

export function TaskLive({
  initial,
  canCancel,
  canRecover,
  canContinue,
}: {
  initial: Task;
  canCancel: boolean;
  canRecover: boolean;
  canContinue: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { task, setTask, log, readError, setReadError, retrying } = useTaskFeed(initial);

  const reload = () => {
    queryClient
      .fetchQuery({ ...trpc.tasks.get.queryOptions({ id: initial.id }), staleTime: 0, gcTime: 0 })
      .then(setTask, (error: unknown) => setReadError(formErrors(error)?.message ?? String(error)));
  };
  const progress = task.progress;
  const { steps, stepsDone, batches, batchesDone } = task.counts;
  const current = progress?.current;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center gap-3">
        <span data-testid="task-status">
          <StatusBadge status={task.status} />
        </span>
        <div className="min-w-48 flex-1">
          <div
            role="progressbar"
            aria-label="Steps done"
            aria-valuemin={0}
            aria-valuemax={steps}
            aria-valuenow={stepsDone}
            className="h-2 overflow-hidden rounded-full bg-slate-200"
          >
            <div
              className={`h-full ${task.status === "failed" ? "bg-red-500" : "bg-sky-600"}`}
              style={{ width: `${steps ? (100 * stepsDone) / steps : 0}%` }}
            />
          </div>
          <p className="mt-1 text-xs text-slate-600" data-testid="task-progress">
            {batchesDone} of {batches} batches done · {stepsDone} of {steps} steps
            {current && taskRunning(task.status)
              ? ` · now: ${task.stages.length > 1 ? `${task.stages.find((s) => current.batch >= s.firstBatch && current.batch < s.firstBatch + s.batchCount)?.group?.name ?? "—"}, ` : ""}batch ${current.batch + 1}, ${current.step.replaceAll("_", " ")}`
              : task.status === "paused"
                ? " · paused"
                : ""}
          </p>
          <p className="mt-0.5 text-xs break-all text-slate-500" data-testid="task-runner">
            <RunnerLine task={task} />
          </p>
        </div>
        {canCancel && taskOpen(task.status) ? (
          <CancelButtons id={task.id} requested={task.cancelRequested} paused={task.status === "paused"} />
        ) : null}
      </div>
      {task.error ? (
        <ErrorNote>
          <span data-testid="task-error">{task.error}</span>
        </ErrorNote>
      ) : null}
      {readError ? (
        <ErrorNote>
          Could not read the task: {readError}
          {retrying ? " (retrying)" : " (reload the page to try again)"}
        </ErrorNote>
      ) : null}
      <PauseBanner task={task} canContinue={canContinue} onChanged={reload} />
      <TaskRecovery task={task} canRecover={canRecover} onChanged={reload} />
      {task.stages.length > 1 ? (
        <section aria-labelledby="stages-heading">
          <h2 id="stages-heading" className="mb-2 text-lg font-semibold text-slate-900">
            Groups
          </h2>
          <StageSummary task={task} />
        </section>
      ) : null}
      {progress ? (
        <>
          <section aria-labelledby="steps-heading">
            <h2 id="steps-heading" className="mb-2 text-lg font-semibold text-slate-900">
              Steps
            </h2>
            <TaskSteps progress={progress} stages={task.stages} />
          </section>
          <details className="rounded-lg border border-slate-200 bg-white p-3">
            <summary className="cursor-pointer text-sm font-semibold text-slate-800">Plan</summary>
            <div className="mt-3 space-y-2">
              <PlanNotes plan={progress.plan} />
              <PlanView plan={progress.plan} batches={progress.batches} />
            </div>
          </details>
        </>
      ) : null}
      <section aria-labelledby="log-heading">
        <h2 id="log-heading" className="mb-2 text-lg font-semibold text-slate-900">
          Log
        </h2>
        <TaskLogView text={log} live={taskOpen(task.status)} />
      </section>
    </div>
  );
}
