"use client";
// The update dialog: pick a version (from the group's list, or typed), how to batch and pace
// the rollout, preview the plan, confirm (update-confirm.tsx), start it, and land on the task
// page to watch it.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useRef, useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { Button, Field, Input, Select, DialogHeader } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";
import { BATCH_SIZE_MAX, BATCH_SIZE_MIN, strategies, strategyLabel } from "@/lib/batching";
import type { BatchGroupingStrategy } from "@/server/generated/prisma/enums";
import { PlanNotes, PlanView } from "./plan-view";
import { initialRunOptions, planHasEureka, RunOptionFields, type RunDefaults } from "./run-options";
import { UpdateConfirm } from "./update-confirm";

export type UpdateDefaults = RunDefaults & { strategy: BatchGroupingStrategy; batchSize: number | null };

type Props = { title: string; groupId: number | null; instanceIds?: number[]; defaults: UpdateDefaults };

export function UpdateDialog({ title, groupId, instanceIds, defaults }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const listId = useId();
  const [form, setForm] = useState({
    targetVersion: "",
    strategy: defaults.strategy,
    batchSize: defaults.batchSize ?? 2,
    ...initialRunOptions(defaults),
  });
  const [confirming, setConfirming] = useState(false);
  const versions = useQuery({
    ...trpc.tasks.versions.queryOptions({ groupId: groupId ?? 0 }),
    enabled: groupId !== null,
  });
  const preview = useMutation(trpc.tasks.preview.mutationOptions());
  const start = useMutation(trpc.tasks.start.mutationOptions({ onSuccess: ({ id }) => router.push(`/tasks/${id}`) }));

  const request = {
    ...(instanceIds ? { instanceIds } : { groupId: groupId ?? undefined }),
    targetVersion: form.targetVersion.trim(),
    strategy: form.strategy,
    batchSize: form.strategy === "fixed_size" ? form.batchSize : undefined,
    orchestrateHaproxy: form.orchestrateHaproxy,
    canary: form.canary,
    drainDelaySec: form.drainDelaySec,
    drainTimeoutSec: form.drainTimeoutSec,
    drainSessionThreshold: form.drainSessionThreshold,
    onDrainTimeout: form.onDrainTimeout,
    waitAfterUpdateSec: form.waitAfterUpdateSec,
    confirmTimeoutSec: form.confirmTimeoutSec,
    eureka: form.eureka,
  };
  const previewed = preview.data && preview.variables && JSON.stringify(preview.variables) === JSON.stringify(request);
  const errors = formErrors(preview.error ?? start.error);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <>
      <Button onClick={() => dialog.current?.showModal()}>{title}…</Button>
      <dialog
        ref={dialog}
        aria-label={title}
        className="m-auto w-[min(64rem,calc(100vw-2rem))] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <form
          method="dialog"
          className="space-y-4 p-5"
          onSubmit={(event) => {
            event.preventDefault();
            if (previewed) setConfirming(true);
            else preview.mutate(request);
          }}
        >
          <DialogHeader onClose={() => dialog.current?.close()}>{title}</DialogHeader>
          <div className="grid gap-3 sm:grid-cols-3">
            <Field label="Target version" error={errors?.fields.targetVersion}>
              <Input
                required
                list={listId}
                value={form.targetVersion}
                onChange={(e) => set({ targetVersion: e.target.value })}
                placeholder={versions.data?.versions[0] ?? "e.g. 1.4.2"}
              />
              <datalist id={listId}>
                {versions.data?.versions.map((v) => (
                  <option key={v} value={v} />
                ))}
              </datalist>
            </Field>
            <Field label="Batches">
              <Select
                value={form.strategy}
                onChange={(e) => set({ strategy: e.target.value as BatchGroupingStrategy })}
              >
                {strategies.map((s) => (
                  <option key={s} value={s}>
                    {strategyLabel[s]}
                  </option>
                ))}
              </Select>
            </Field>
            {form.strategy === "fixed_size" ? (
              <Field label="Batch size" error={errors?.fields.batchSize}>
                <Input
                  type="number"
                  min={BATCH_SIZE_MIN}
                  max={BATCH_SIZE_MAX}
                  value={form.batchSize}
                  onChange={(e) => set({ batchSize: Number(e.target.value) })}
                />
              </Field>
            ) : (
              <div />
            )}
          </div>
          <RunOptionFields
            value={form}
            onChange={set}
            errors={errors?.fields}
            eurekaOffered={planHasEureka(preview.data)}
            canaryLabel="Canary: update one instance first, then pause until someone continues"
          />
          {errors ? <ErrorNote>{errors.message}</ErrorNote> : null}
          {previewed && preview.data ? (
            <div className="space-y-2">
              <p className="text-sm text-slate-700">
                {preview.data.batches.length} batch{preview.data.batches.length === 1 ? "" : "es"} to{" "}
                {preview.data.targetVersion}
                {preview.data.group ? ` in group ${preview.data.group.name}` : ""}:
              </p>
              <PlanNotes plan={preview.data} />
              <div className="max-h-[40vh] overflow-y-auto">
                <PlanView plan={preview.data} />
              </div>
            </div>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => dialog.current?.close()}>
              Close
            </Button>
            {previewed ? (
              <Button type="submit" disabled={start.isPending || (preview.data?.problems.length ?? 0) > 0}>
                {start.isPending ? "Starting…" : "Start update…"}
              </Button>
            ) : (
              <Button type="submit" disabled={preview.isPending}>
                {preview.isPending ? "Planning…" : "Preview plan"}
              </Button>
            )}
          </div>
        </form>
        {confirming && previewed && preview.data ? (
          <UpdateConfirm
            plan={preview.data}
            canary={request.canary}
            haproxy={request.orchestrateHaproxy}
            busy={start.isPending}
            onConfirm={() => start.mutate(request)}
            onClose={() => setConfirming(false)}
          />
        ) : null}
      </dialog>
    </>
  );
}
