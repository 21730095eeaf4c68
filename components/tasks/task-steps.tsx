// The steps timeline: one row per batch, its steps in order with status, time and note
// (the note of a failed step is the reason); a rollout's batches under a heading per group.
import { StatusBadge } from "@/components/ui/status-badge";
import type { PlanStage, TaskProgress } from "@/server/tasks/plan-types";

const labels: Record<string, string> = {
  eureka_down: "Eureka out of service",
  drain: "Drain",
  drain_delay: "Drain delay",
  playbook: "Playbook",
  wait_after_update: "Wait after update",
  confirm: "Agent confirms",
  ready: "Ready",
  eureka_up: "Eureka up",
};

const time = (iso: string | null) => (iso ? iso.slice(11, 19) : null);

export function TaskSteps({ progress, stages = [] }: { progress: TaskProgress; stages?: PlanStage[] }) {
  return (
    <ol className="space-y-3" data-testid="task-steps">
      {progress.batches.map((batch, b) => [
        stages.length > 1 && stages.some((s) => s.firstBatch === b) ? (
          <li key={`stage-${b}`} className="pt-1 text-sm font-semibold text-slate-800" data-testid="task-steps-stage">
            {stages.findIndex((s) => s.firstBatch === b) + 1}.{" "}
            {stages.find((s) => s.firstBatch === b)!.group?.name ?? "—"} →{" "}
            {stages.find((s) => s.firstBatch === b)!.targetVersion}
          </li>
        ) : null,
        <li
          key={b}
          className="rounded-lg border border-slate-200 bg-white p-3"
          data-testid="task-batch"
          data-status={batch.status}
        >
          <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
            <span className="font-semibold">
              Batch {b + 1} / {progress.batches.length}
              {progress.plan.batches[b]!.canary ? " (canary)" : ""}
            </span>
            <StatusBadge status={batch.status} />
            <span className="text-slate-500">
              {progress.plan.batches[b]!.instances.map((i) => `${i.name} on ${i.server.name}`).join(", ")}
            </span>
          </div>
          <ol className="grid gap-2 sm:grid-cols-4 xl:grid-cols-8">
            {batch.steps.map((step) => (
              <li
                key={step.name}
                data-testid={`step-${step.name}`}
                data-status={step.status}
                className={`rounded-md border px-2 py-1.5 text-xs ${step.status === "failed" ? "border-red-300 bg-red-50" : step.status === "running" ? "border-sky-300 bg-sky-50" : "border-slate-200"}`}
              >
                <div className="flex items-center justify-between gap-1">
                  <span className="font-medium text-slate-800">{labels[step.name]}</span>
                  <StatusBadge status={step.status} />
                </div>
                {step.startedAt ? (
                  <div className="mt-0.5 text-slate-500">
                    {time(step.startedAt)}
                    {step.finishedAt ? ` – ${time(step.finishedAt)}` : " …"} UTC
                  </div>
                ) : null}
                {step.note ? (
                  <div className={`mt-0.5 break-words ${step.status === "failed" ? "text-red-800" : "text-slate-600"}`}>
                    {step.note}
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
        </li>,
      ])}
    </ol>
  );
}
