// A rollout stage's own batching as the rollout form builds it (components/tasks/stage-batching.tsx):
// nothing sent while a stage keeps its group's batching, and a batch size refused by the form
// exactly when the API refuses it, with the API's words (docs/update-tasks.md, "Multi-group
// rollouts and canaries").
import { describe, expect, it } from "vitest";
import { rolloutItems } from "@/components/tasks/plan-lines";
import { batchSizeError, groupBatching, stageBatchingRequest } from "@/components/tasks/stage-batching";
import { rolloutRequestInput } from "@/server/tasks/rollout-plan";
import type { Plan, PlanBatch } from "@/server/tasks/plan-types";

const byServer = groupBatching({ strategy: "by_server", batchSize: null });
const fixed3 = groupBatching({ strategy: "fixed_size", batchSize: 3 });

/** The API's verdict on a stage with this batch size: its message, or null when accepted. */
function apiError(batchSize: number): string | null {
  const parsed = rolloutRequestInput.safeParse({
    stages: [{ groupId: 1, targetVersion: "1.0", strategy: "fixed_size", batchSize }],
  });
  return parsed.success ? null : parsed.error.issues[0]!.message;
}

describe("a stage's batching in the rollout form", () => {
  it("sends nothing while the stage keeps its group's batching", () => {
    expect(stageBatchingRequest(byServer)).toEqual({});
    expect(stageBatchingRequest(fixed3)).toEqual({});
  });

  it("sends the strategy picked, and a size only where it differs from the group's", () => {
    expect(stageBatchingRequest({ ...byServer, strategy: "all_at_once" })).toEqual({ strategy: "all_at_once" });
    expect(stageBatchingRequest({ ...byServer, strategy: "fixed_size", batchSize: "2" })).toEqual({
      strategy: "fixed_size",
      batchSize: 2,
    });
    expect(stageBatchingRequest({ ...fixed3, batchSize: "5" })).toEqual({ batchSize: 5 });
    // The size field is not shown for another strategy, and whatever it holds is not sent.
    expect(stageBatchingRequest({ ...fixed3, strategy: "one_at_a_time", batchSize: "5000" })).toEqual({
      strategy: "one_at_a_time",
    });
    expect(batchSizeError({ ...fixed3, strategy: "one_at_a_time", batchSize: "5000" })).toBeNull();
  });

  it("refuses a batch size exactly when the API does, with the API's message", () => {
    for (const size of [0, 1, 2.5, 1000, 1001, -3]) {
      expect(batchSizeError({ ...fixed3, batchSize: String(size) }), String(size)).toBe(apiError(size));
    }
    expect(apiError(1001)).toBe("at most 1000");
    expect(batchSizeError({ ...fixed3, batchSize: "" })).toBe("enter a batch size");
    expect(batchSizeError({ ...fixed3, batchSize: "abc" })).toBe("must be a number");
  });
});

describe("a rollout's confirmation", () => {
  const batch = (index: number, ...names: string[]): PlanBatch => ({
    index,
    instances: names.map((name) => ({ name, server: { name: "srv-1" } })) as PlanBatch["instances"],
  });
  it("lists each stage with its batching, then its batches (at most five, then how many more)", () => {
    const batches = [
      batch(0, "api_1", "api_2"),
      batch(1, "api_3"),
      ...[2, 3, 4, 5, 6, 7, 8].map((i) => batch(i, `web_${i}`)),
    ];
    const plan = {
      batches,
      stages: [
        {
          group: { id: 1, name: "api" },
          targetVersion: "2.0",
          strategy: "fixed_size",
          batchSize: 2,
          ownBatching: true,
          firstBatch: 0,
          batchCount: 2,
        },
        {
          group: { id: 2, name: "web" },
          targetVersion: "3.0",
          strategy: "one_at_a_time",
          batchSize: null,
          firstBatch: 2,
          batchCount: 7,
        },
      ],
    } as unknown as Plan;
    expect(rolloutItems(plan, plan.stages!)).toEqual([
      "1. api → 2.0: 3 instances in 2 batches (fixed size 2, set for this rollout)",
      "batch 1/9: api_1 on srv-1, api_2 on srv-1",
      "batch 2/9: api_3 on srv-1",
      "2. web → 3.0: 7 instances in 7 batches (one at a time, the group's setting)",
      ...[3, 4, 5, 6, 7].map((n) => `batch ${n}/9: web_${n - 1} on srv-1`),
      "… and 2 more batches of web",
    ]);
  });
});
