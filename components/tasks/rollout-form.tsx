"use client";
// A multi-group rollout (docs/update-tasks.md, "Multi-group rollouts and canaries"): pick groups,
// put them in order, a version each, the options (canary, pause between groups, waits), preview
// the plan with its counts, and start it after a confirmation naming what will run.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Button } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";
import { plural } from "@/lib/plural";
import { rolloutItems, stageLine } from "./plan-lines";
import { PlanNotes, PlanView } from "./plan-view";
import { GroupPicker, StageList, type StageDraft } from "./rollout-stages";
import { batchSizeError, stageBatchingRequest } from "./stage-batching";
import { initialRunOptions, planHasEureka, RunOptionFields } from "./run-options";
import type { UpdateDefaults } from "./update-dialog";

export function RolloutForm({ defaults }: { defaults: UpdateDefaults }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [stages, setStages] = useState<StageDraft[]>([]);
  const [form, setForm] = useState({ pauseBetweenStages: true, ...initialRunOptions(defaults) });
  const [confirming, setConfirming] = useState(false);
  const preview = useMutation(trpc.tasks.previewRollout.mutationOptions());
  const start = useMutation(
    trpc.tasks.startRollout.mutationOptions({ onSuccess: ({ id }) => router.push(`/tasks/${id}`) }),
  );
  const request = {
    stages: stages.map((s) => ({
      groupId: s.groupId,
      targetVersion: s.targetVersion.trim(),
      ...stageBatchingRequest(s.batching),
    })),
    ...form,
    pauseBetweenStages: form.pauseBetweenStages && stages.length > 1,
  };
  const plan = preview.data;
  const previewed = plan && JSON.stringify(preview.variables) === JSON.stringify(request);
  // A stage's batch size out of the API's bounds is shown at its field; nothing is sent meanwhile.
  const invalid = stages.some((s) => batchSizeError(s.batching) !== null);
  const errors = invalid
    ? { message: "Please correct the highlighted fields.", fields: {} as Record<string, string> }
    : formErrors(preview.error ?? start.error);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const planStages = plan?.stages ?? [];
  const instances = plan?.batches.reduce((n, b) => n + b.instances.length, 0) ?? 0;

  return (
    <form
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        if (invalid) return;
        if (previewed) setConfirming(true);
        else preview.mutate(request);
      }}
    >
      <section aria-labelledby="groups-heading" className="space-y-3">
        <h2 id="groups-heading" className="text-lg font-semibold text-slate-900">
          Groups, in the order they are updated
        </h2>
        <StageList stages={stages} onChange={setStages} />
        {errors?.fields.stages ? <p className="text-sm text-red-700">{errors.fields.stages}</p> : null}
        <GroupPicker picked={stages.map((s) => s.groupId)} onAdd={(stage) => setStages((s) => [...s, stage])} />
      </section>

      <section aria-labelledby="options-heading" className="space-y-2 text-sm">
        <h2 id="options-heading" className="text-lg font-semibold text-slate-900">
          Options
        </h2>
        <label className="flex items-start gap-2">
          <input
            type="checkbox"
            checked={form.pauseBetweenStages}
            onChange={(e) => set({ pauseBetweenStages: e.target.checked })}
          />
          <span>Pause after each group until someone continues</span>
        </label>
        <RunOptionFields
          value={form}
          onChange={set}
          errors={errors?.fields}
          eurekaOffered={planHasEureka(plan)}
          canaryLabel="Canary: update one instance of the first group first, then pause until someone continues"
        />
        <p className="text-xs text-slate-500">
          Each group is batched by its own setting unless you pick other batches for it above (the preview shows them).
        </p>
      </section>

      {errors ? <ErrorNote>{errors.message}</ErrorNote> : null}
      {previewed && plan ? (
        <section aria-labelledby="preview-heading" className="space-y-2" data-testid="rollout-preview">
          <h2 id="preview-heading" className="text-lg font-semibold text-slate-900">
            Plan: {plural(planStages.length, "group")}, {plural(instances, "instance")},{" "}
            {plural(plan.batches.length, "batch", "batches")}
          </h2>
          <ol className="space-y-0.5 text-sm text-slate-700">
            {planStages.map((s, i) => (
              <li key={s.firstBatch}>{stageLine(plan, s, i)}</li>
            ))}
          </ol>
          <PlanNotes plan={plan} />
          <div className="max-h-[50vh] overflow-y-auto">
            <PlanView plan={plan} />
          </div>
        </section>
      ) : null}
      <div className="flex flex-wrap justify-end gap-2">
        {previewed ? (
          <Button type="submit" disabled={start.isPending || (plan?.problems.length ?? 0) > 0}>
            {start.isPending ? "Starting…" : "Start rollout…"}
          </Button>
        ) : (
          <Button type="submit" disabled={preview.isPending || stages.length === 0}>
            {preview.isPending ? "Planning…" : "Preview plan"}
          </Button>
        )}
      </div>
      {confirming && plan ? (
        <ConfirmDialog
          title={`Start a rollout of ${plural(planStages.length, "group")}, ${plural(instances, "instance")}?`}
          confirmLabel="Start rollout"
          items={rolloutItems(plan, planStages)}
          busy={start.isPending}
          onConfirm={() => start.mutate(request)}
          onClose={() => setConfirming(false)}
        >
          <p>
            The groups are updated in this order, batch by batch, each group&apos;s batches as listed.
            {request.canary
              ? " The first instance is updated alone, then the rollout pauses until someone continues."
              : ""}
            {request.pauseBetweenStages ? " After each group but the last it pauses until someone continues." : ""}
          </p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}
