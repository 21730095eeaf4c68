// What a retry from the failed batch starts (recovery.ts): the instances of that batch and every
// batch after it, with the task's version(s) and parameters. A rollout's retry is a rollout of the
// rest: the failed group's remaining instances, then the groups after it, in the same order.
import type { UpdateRequest } from "./plan";
import { stageOf, stagesOf, type Plan, type TaskParameters } from "./plan-types";
import type { RolloutRequest } from "./rollout-plan";

type Retry = { kind: "update"; request: UpdateRequest } | { kind: "rollout"; request: RolloutRequest };

const idsOf = (plan: Plan, from: number, to: number) =>
  plan.batches.slice(from, to).flatMap((b) => b.instances.map((i) => i.id));

export function retryRequest(plan: Plan, p: TaskParameters, fromBatch: number): Retry {
  const options = {
    orchestrateHaproxy: p.orchestrateHaproxy,
    drainDelaySec: p.drainDelaySec,
    drainTimeoutSec: p.drainTimeoutSec,
    drainSessionThreshold: p.drainSessionThreshold,
    onDrainTimeout: p.onDrainTimeout,
    waitAfterUpdateSec: p.waitAfterUpdateSec,
    confirmTimeoutSec: p.confirmTimeoutSec,
    eureka: p.eureka ?? false,
    // The canary ran when a later batch failed; when the canary itself failed, it is one again.
    canary: !!p.canary && fromBatch === 0,
  };
  const stages = stagesOf(plan);
  if (stages.length < 2)
    return {
      kind: "update",
      request: {
        ...options,
        instanceIds: idsOf(plan, fromBatch, plan.batches.length),
        targetVersion: p.targetVersion,
        strategy: p.strategy,
        batchSize: p.batchSize ?? undefined,
      },
    };
  const from = stageOf(plan, fromBatch);
  return {
    kind: "rollout",
    request: {
      ...options,
      pauseBetweenStages: !!p.pauseBetweenStages,
      stages: stages.slice(from.index).map((s, k) => ({
        groupId: s.group!.id,
        targetVersion: s.targetVersion,
        strategy: s.strategy,
        batchSize: s.batchSize ?? undefined,
        instanceIds: idsOf(plan, k === 0 ? fromBatch : s.firstBatch, s.firstBatch + s.batchCount),
      })),
    },
  };
}
