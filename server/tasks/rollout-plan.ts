// A multi-group rollout's request and plan (docs/update-tasks.md, "Multi-group rollouts and
// canaries"): several groups, each to its own version, in the order the operator lists them (the
// backend before the web tier), as one task whose stages run one after the other. The run's
// options (HAProxy, waits, canary) are a single update's and apply to every stage.
import { z } from "zod";
import { BatchGroupingStrategy } from "../generated/prisma/enums";
import type { HaproxyPort } from "./deps";
import { assemblePlan, planGroup, runParameters, updateRequestInput, versionSchema } from "./plan";
import type { TaskTarget } from "./plan-types";
import { batchSizeSchema } from "../../lib/batching";
import { positiveId } from "../../lib/schemas";

export const MAX_STAGES = 20;

const stageInput = z.object({
  groupId: positiveId,
  targetVersion: versionSchema,
  /** Only these instances of the group (a retry from a failed batch); omitted = all of them. */
  instanceIds: z.array(positiveId).min(1).max(1000).optional(),
  /** This stage's own batching; defaults: the group's strategy and batch size. */
  strategy: z.enum(BatchGroupingStrategy).optional(),
  batchSize: batchSizeSchema.optional(),
});

export const rolloutRequestInput = z
  .object(updateRequestInput.shape)
  .omit({ groupId: true, instanceIds: true, targetVersion: true, strategy: true, batchSize: true })
  .extend({
    /** The groups in the order they are updated. */
    stages: z.array(stageInput).min(1, "pick at least one group").max(MAX_STAGES, `at most ${MAX_STAGES} groups`),
    /** Pause for an operator's Continue after each group but the last. */
    pauseBetweenStages: z.boolean().default(false),
  })
  .refine((v) => new Set(v.stages.map((s) => s.groupId)).size === v.stages.length, {
    message: "each group once: a rollout updates a group in one stage",
    path: ["stages"],
  });
export type RolloutRequest = z.output<typeof rolloutRequestInput>;

export async function buildRolloutPlan(request: RolloutRequest, haproxy: HaproxyPort) {
  const groups = [];
  for (const stage of request.stages) groups.push(await planGroup(stage, request.orchestrateHaproxy, haproxy));
  const parameters = runParameters(request, groups[0]!);
  const plan = await assemblePlan(groups, parameters);
  const target: TaskTarget = {
    groupId: request.stages[0]!.groupId,
    groupIds: request.stages.map((s) => s.groupId),
    instanceIds: groups.flatMap((g) => g.instances.map((i) => i.id)),
  };
  return { plan, target, parameters };
}
