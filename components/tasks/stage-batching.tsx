"use client";
// A rollout stage's own batching (docs/update-tasks.md, "Multi-group rollouts and canaries"): by
// default the group's strategy and batch size, as the API applies to a stage that names none; or
// another strategy or size for this rollout only. The size is checked with the API's own schema
// (lib/batching.ts), so the field refuses what the API would, in the same words.
import { Field, Input, Select } from "@/components/ui/controls";
import {
  BATCH_SIZE_MAX,
  BATCH_SIZE_MIN,
  batchingText,
  batchSizeSchema,
  strategies,
  strategyLabel,
} from "@/lib/batching";
import type { BatchGroupingStrategy } from "@/server/generated/prisma/enums";

export type StageBatchingDraft = {
  /** The group's own setting, which applies unless the stage picks another. */
  group: { strategy: BatchGroupingStrategy; batchSize: number | null };
  /** "" = the group's strategy. */
  strategy: BatchGroupingStrategy | "";
  /** As typed; used while the stage's strategy is a fixed size. */
  batchSize: string;
};

const strategyOf = (d: StageBatchingDraft) => d.strategy || d.group.strategy;

/** A new stage's batching: the group's, with its size (or 2) ready for a fixed size. */
export const groupBatching = (group: StageBatchingDraft["group"]): StageBatchingDraft => ({
  group,
  strategy: "",
  batchSize: String(group.batchSize ?? 2),
});

/** Why the typed batch size is refused, or null. */
export function batchSizeError(d: StageBatchingDraft): string | null {
  if (strategyOf(d) !== "fixed_size") return null;
  if (d.batchSize.trim() === "") return "enter a batch size";
  const parsed = batchSizeSchema.safeParse(Number(d.batchSize));
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? "not a batch size");
}

/** The stage's fields of the request: none while it keeps its group's batching. */
export function stageBatchingRequest(d: StageBatchingDraft): { strategy?: BatchGroupingStrategy; batchSize?: number } {
  const size = Number(d.batchSize);
  const ownSize = strategyOf(d) === "fixed_size" && size !== d.group.batchSize;
  return { ...(d.strategy ? { strategy: d.strategy } : {}), ...(ownSize ? { batchSize: size } : {}) };
}

export function StageBatchingFields({
  draft,
  name,
  onChange,
}: {
  draft: StageBatchingDraft;
  /** The group as the labels name it, e.g. "shop (docker)". */
  name: string;
  onChange: (patch: Partial<StageBatchingDraft>) => void;
}) {
  const own = `Group's setting (${batchingText(draft.group.strategy, draft.group.batchSize)})`;
  return (
    <div className="grid gap-2 sm:grid-cols-[1fr_10rem]">
      <Field label={`Batches for ${name}`}>
        <Select
          value={draft.strategy}
          onChange={(e) => onChange({ strategy: e.target.value as BatchGroupingStrategy | "" })}
        >
          <option value="">{own}</option>
          {strategies.map((s) => (
            <option key={s} value={s}>
              {strategyLabel[s]} (this rollout only)
            </option>
          ))}
        </Select>
      </Field>
      {strategyOf(draft) === "fixed_size" ? (
        <Field label={`Batch size for ${name}`} error={batchSizeError(draft) ?? undefined}>
          <Input
            type="number"
            inputMode="numeric"
            min={BATCH_SIZE_MIN}
            max={BATCH_SIZE_MAX}
            value={draft.batchSize}
            onChange={(e) => onChange({ batchSize: e.target.value })}
          />
        </Field>
      ) : null}
    </div>
  );
}
