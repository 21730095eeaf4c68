"use client";
// A rollout on its task page (docs/update-tasks.md, "Multi-group rollouts and canaries"): its
// groups in order with how far each got, and, while the task waits, "Paused — waiting for
// Continue" with what comes next and the operator's Continue (confirmed first). Viewers read a
// note instead of the button.
import { useMutation } from "@tanstack/react-query";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { StatusBadge } from "@/components/ui/status-badge";
import type { getTask } from "@/server/tasks/queries";
import { stageBatching } from "./plan-lines";

type Task = Awaited<ReturnType<typeof getTask>>;
type Stage = Task["stages"][number];

const inStage = (stage: Stage, batch: number) =>
  batch >= stage.firstBatch && batch < stage.firstBatch + stage.batchCount;

function stageStatus(task: Task, stage: Stage): string {
  const statuses = (task.progress?.batches ?? []).slice(stage.firstBatch, stage.firstBatch + stage.batchCount);
  const all = (s: string) => statuses.length > 0 && statuses.every((b) => b.status === s);
  if (statuses.some((b) => b.status === "failed")) return "failed";
  if (statuses.some((b) => b.status === "cancelled")) return "cancelled";
  if (all("succeeded")) return "succeeded";
  if (all("pending")) return "pending";
  // Under way or partly done: the task's own state (running, paused, pending after Continue, interrupted).
  return task.status;
}

/** The stage the task is in: its current step's, or the one after a pause. */
export function currentStage(task: Task): number {
  const p = task.progress;
  const batch = p?.current?.batch ?? (p?.pause ? p.pause.afterBatch + 1 : null);
  return batch === null ? -1 : task.stages.findIndex((s) => inStage(s, batch));
}

export function StageSummary({ task }: { task: Task }) {
  const current = currentStage(task);
  return (
    <ol
      className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3"
      aria-label="Groups in rollout order"
      data-testid="task-stage-list"
    >
      {task.stages.map((stage, i) => (
        <li
          key={stage.firstBatch}
          aria-current={i === current ? "step" : undefined}
          data-testid="task-stage"
          className={`rounded-lg border p-3 text-sm ${i === current ? "border-sky-400 bg-sky-50" : "border-slate-200 bg-white"}`}
        >
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span className="font-semibold text-slate-900">
              {i + 1}. {stage.group?.name ?? "—"} → <span className="font-mono">{stage.targetVersion}</span>
            </span>
            <StatusBadge status={stageStatus(task, stage)} />
          </div>
          <p className="mt-1 text-xs text-slate-600">
            batches {stage.firstBatch + 1}–{stage.firstBatch + stage.batchCount} · {stageBatching(stage)}
            {i === current ? " · current" : ""}
          </p>
        </li>
      ))}
    </ol>
  );
}

/** What the next batch after the pause is, in words. */
function nextUp(task: Task): string {
  const p = task.progress!;
  const next = p.pause!.afterBatch + 1;
  const stage = task.stages.find((s) => inStage(s, next));
  const instances = p.plan.batches[next]?.instances.map((i) => `${i.name} on ${i.server.name}`).join(", ") ?? "";
  const where = task.stages.length > 1 && stage ? `${stage.group?.name ?? "—"} → ${stage.targetVersion}, ` : "";
  return `${where}batch ${next + 1}/${p.batches.length}: ${instances}`;
}

export function PauseBanner({
  task,
  canContinue,
  onChanged,
}: {
  task: Task;
  canContinue: boolean;
  onChanged: () => void;
}) {
  const trpc = useTRPC();
  const resume = useMutation(trpc.tasks.continue.mutationOptions({ onSuccess: onChanged }));
  const pause = task.progress?.pause;
  if (task.status !== "paused" || !pause) return null;
  const error = formErrors(resume.error);
  const after =
    pause.reason === "canary"
      ? "the canary: check it before the rest is updated"
      : `group ${task.stages[currentStage(task) - 1]?.group?.name ?? "—"}`;
  return (
    <section
      aria-labelledby="pause-heading"
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm"
      data-testid="task-paused"
    >
      <h2 id="pause-heading" className="text-base font-semibold text-amber-900">
        Paused — waiting for Continue
      </h2>
      <p className="text-amber-900">
        Paused after {after}. Next: {nextUp(task)}.
      </p>
      {canContinue ? (
        <div className="flex flex-wrap items-center gap-2">
          <ConfirmButton
            variant="primary"
            disabled={resume.isPending}
            ask={{ title: "Continue the rollout?", confirmLabel: "Continue", body: `Next: ${nextUp(task)}.` }}
            onConfirm={() => resume.mutate({ id: task.id })}
          >
            Continue
          </ConfirmButton>
          {error ? (
            <span className="text-red-700" role="alert">
              {error.message}
            </span>
          ) : null}
        </div>
      ) : (
        <p className="text-slate-600">Operators can continue or cancel it here.</p>
      )}
    </section>
  );
}
