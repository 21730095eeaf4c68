// A plan in lines of text, for the confirmations of an update (update-confirm.tsx) and a rollout
// (rollout-form.tsx) and the headings of its stages: each batch with its instances, each stage
// with its batching and whether the rollout chose it or it is the group's own.
import { batchingText } from "@/lib/batching";
import { plural } from "@/lib/plural";
import type { Plan, PlanBatch, PlanStage } from "@/server/tasks/plan-types";

/** A stage's batches listed in a confirmation at most; a group of hundreds says how many more. */
export const BATCHES_LISTED = 5;

/** "backend_1 on srv-0001, backend_2 on srv-0002" */
export const batchInstances = (b: PlanBatch) => b.instances.map((i) => `${i.name} on ${i.server.name}`).join(", ");

/** "fixed size 2, set for this rollout" / "by server, the group's setting" */
export const stageBatching = (s: Pick<PlanStage, "strategy" | "batchSize" | "ownBatching">) =>
  `${batchingText(s.strategy, s.batchSize)}, ${s.ownBatching ? "set for this rollout" : "the group's setting"}`;

/** "1. backend → 3.0.0: 4 instances in 2 batches (fixed size 2, set for this rollout)" */
export function stageLine(plan: Plan, s: PlanStage, i: number): string {
  const count = plan.batches
    .slice(s.firstBatch, s.firstBatch + s.batchCount)
    .reduce((n, b) => n + b.instances.length, 0);
  return `${i + 1}. ${s.group?.name ?? "—"} → ${s.targetVersion}: ${plural(count, "instance")} in ${plural(s.batchCount, "batch", "batches")} (${stageBatching(s)})`;
}

/** Each stage's line, then its first batches ("batch 3/7: …"), then how many of its batches are not listed. */
export function rolloutItems(plan: Plan, stages: PlanStage[]): string[] {
  return stages.flatMap((s, i) => {
    const batches = plan.batches.slice(s.firstBatch, s.firstBatch + s.batchCount);
    const rest = batches.length - BATCHES_LISTED;
    return [
      stageLine(plan, s, i),
      ...batches
        .slice(0, BATCHES_LISTED)
        .map((b) => `batch ${b.index + 1}/${plan.batches.length}: ${batchInstances(b)}`),
      ...(rest > 0 ? [`… and ${plural(rest, "more batch", "more batches")} of ${s.group?.name ?? "—"}`] : []),
    ];
  });
}
