// The pure rules of rollouts and canaries (docs/update-tasks.md, "Multi-group rollouts and
// canaries"): where the canary comes from, when a run pauses, how a place in a run is named, what
// a retry starts, and that a plan stored before rollouts reads as one stage.
import { describe, expect, it } from "vitest";
import { makeBatchesWithCanary } from "@/server/tasks/batches";
import { stagesOf, where, type Plan, type PlanStage, type TaskParameters } from "@/server/tasks/plan-types";
import { retryRequest } from "@/server/tasks/retry-request";
import { pauseDue } from "@/server/tasks/stages";

const at = (name: string, number: number, server: string) => ({ name, number, server: { name: server } });
const fleet = [at("shop_2", 2, "srv-b"), at("shop_1", 1, "srv-b"), at("shop_1", 1, "srv-a"), at("shop_2", 2, "srv-a")];
const names = (batches: ReturnType<typeof makeBatchesWithCanary>) =>
  batches.map((b) => b.map((i) => `${i.server.name}/${i.name}`));

describe("the canary", () => {
  it("is the instance that would lead the first batch, alone; the rest is batched by the strategy", () => {
    expect(names(makeBatchesWithCanary(fleet, "fixed_size", 2))).toEqual([
      ["srv-a/shop_1"],
      ["srv-a/shop_2", "srv-b/shop_1"],
      ["srv-b/shop_2"],
    ]);
    expect(names(makeBatchesWithCanary(fleet, "by_instance_number", null))).toEqual([
      ["srv-a/shop_1"],
      ["srv-b/shop_1"],
      ["srv-a/shop_2", "srv-b/shop_2"],
    ]);
    expect(names(makeBatchesWithCanary([fleet[0]!], "all_at_once", null))).toEqual([["srv-b/shop_2"]]);
    expect(makeBatchesWithCanary([], "all_at_once", null)).toEqual([]);
  });
});

// A rollout of two groups: cart (batches 1-3) then shop (batches 4-5).
const instance = (id: number) => ({ id }) as Plan["batches"][number]["instances"][number];
const stage = (name: string, id: number, firstBatch: number, batchCount: number): PlanStage => ({
  group: { id, name },
  targetVersion: `${id}.0`,
  strategy: "fixed_size",
  batchSize: 2,
  firstBatch,
  batchCount,
});
const plan: Plan = {
  group: { id: 1, name: "cart" },
  targetVersion: "1.0",
  strategy: "fixed_size",
  batchSize: 2,
  batches: [[1], [2, 3], [4], [5, 6], [7]].map((ids, index) => ({
    index,
    instances: ids.map(instance),
    ...(index === 0 ? { canary: true } : {}),
  })),
  warnings: [],
  problems: [],
  stages: [stage("cart", 1, 0, 3), stage("shop", 2, 3, 2)],
};
const params = (p: Partial<TaskParameters>) =>
  ({ targetVersion: "1.0", strategy: "fixed_size", ...p }) as TaskParameters;

describe("pauses", () => {
  it("come after the canary and after each stage but the last, only when asked", () => {
    const due = (p: Partial<TaskParameters>) => plan.batches.map((b) => pauseDue(plan, params(p), b.index));
    expect(due({})).toEqual([null, null, null, null, null]);
    expect(due({ canary: true })).toEqual(["canary", null, null, null, null]);
    expect(due({ pauseBetweenStages: true })).toEqual([null, null, "stage", null, null]);
    expect(due({ canary: true, pauseBetweenStages: true })).toEqual(["canary", null, "stage", null, null]);
  });
});

describe("stages", () => {
  it("a plan stored before rollouts is one stage, and its places read as before", () => {
    const { stages: _, ...old } = plan;
    expect(stagesOf(old)).toEqual([{ ...stage("cart", 1, 0, 5), targetVersion: "1.0" }]);
    expect(where({ plan: old }, 3, "playbook")).toBe("batch 4/5, step playbook");
  });

  it("a rollout's places name the stage and its group", () => {
    expect(where({ plan }, 0)).toBe("stage 1/2 (cart), batch 1/5");
    expect(where({ plan }, 3, "drain")).toBe("stage 2/2 (shop), batch 4/5, step drain");
  });

  it("a retry from a failed batch is a rollout of the rest, in order; a canary only when the canary failed", () => {
    const p = params({ canary: true, pauseBetweenStages: true, orchestrateHaproxy: true });
    expect(retryRequest(plan, p, 1)).toMatchObject({
      kind: "rollout",
      request: {
        canary: false,
        pauseBetweenStages: true,
        stages: [
          { groupId: 1, targetVersion: "1.0", instanceIds: [2, 3, 4] },
          { groupId: 2, targetVersion: "2.0", instanceIds: [5, 6, 7] },
        ],
      },
    });
    expect(retryRequest(plan, p, 4).request).toMatchObject({ stages: [{ groupId: 2, instanceIds: [7] }] });
    expect(retryRequest(plan, p, 0).request).toMatchObject({ canary: true });
    const { stages: _, ...old } = plan;
    expect(retryRequest(old, p, 3)).toMatchObject({
      kind: "update",
      request: { instanceIds: [5, 6, 7], targetVersion: "1.0" },
    });
  });
});
