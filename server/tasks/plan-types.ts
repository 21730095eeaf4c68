// The shapes an update task stores in tasks.target / parameters / progress (JSON columns), in
// one place: the runner writes them, the router returns them, the task page draws them.
import type { AppType, BatchGroupingStrategy } from "../generated/prisma/enums";
import type { Effective } from "../inventory/settings";

export const UPDATE_TASK_KIND = "update";

/** A batch's steps, in order (docs/update-tasks.md, "A batch, step by step"). */
export const STEP_NAMES = [
  "eureka_down",
  "drain",
  "drain_delay",
  "playbook",
  "wait_after_update",
  "confirm",
  "ready",
  "eureka_up",
] as const;
export type StepName = (typeof STEP_NAMES)[number];
export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "skipped" | "cancelled";
export type BatchStatus = "pending" | "running" | "succeeded" | "failed" | "cancelled";

export type TaskTarget = {
  /** The group (a rollout's first group). */
  groupId: number | null;
  instanceIds: number[];
  /** A rollout's groups, in order (absent in single-group tasks). */
  groupIds?: number[];
};

export type TaskParameters = {
  targetVersion: string;
  strategy: BatchGroupingStrategy;
  batchSize: number | null;
  /** false: no drain / ready around the batches (the operator's choice for this run). */
  orchestrateHaproxy: boolean;
  drainDelaySec: number;
  /**
   * After the drain delay: wait up to this long for every drained server's current sessions to
   * reach drainSessionThreshold, re-reading HAProxy; 0 = no wait. Absent in tasks made before.
   */
  drainTimeoutSec?: number;
  drainSessionThreshold?: number;
  onDrainTimeout?: "fail" | "continue";
  waitAfterUpdateSec: number;
  confirmTimeoutSec: number;
  /** Set the batch's Eureka-registered instances OUT_OF_SERVICE around it (docs/update-tasks.md, "Eureka"). */
  eureka?: boolean;
  /**
   * Rollouts and canaries (docs/update-tasks.md, "Multi-group rollouts and canaries"); absent in
   * tasks made before. canary: the first batch is one instance, then a pause for Continue.
   */
  canary?: boolean;
  /** Pause for Continue after each group of a rollout but the last. */
  pauseBetweenStages?: boolean;
};

export type PlanHaproxyServer = { haproxyServerId: number; label: string; status: string | null };

export type PlanInstance = {
  id: number;
  name: string;
  number: number;
  appType: AppType;
  server: { id: number; name: string; ip: string };
  currentVersion: string | null;
  /** Where the agent says it lives: distribution and install path (sites, services), image and compose folder (docker). */
  distrPath: string | null;
  path: string | null;
  image: string | null;
  composeProjectDir: string | null;
  playbook: Effective;
  artifactUrl: Effective;
  artifactExtension: Effective;
  haproxy: PlanHaproxyServer[];
  /** Registered in Eureka (the agent says so): absent when not. */
  eureka?: PlanEureka | null;
};

/**
 * An instance's Eureka registration as planned: its app name, the AC_EUREKA_URLS server its
 * reported eureka_url names (`registry`; null: not allowed, `skip` says why), and the address
 * its agent reports (ip, port); AC looks for it only at its server's address and that port.
 */
export type PlanEureka = {
  app: string;
  registry: string | null;
  skip: string | null;
  ip: string | null;
  port: number | null;
};

export type PlanBatch = {
  index: number;
  instances: PlanInstance[];
  /** The canary: the first batch, one instance, followed by a pause for Continue. */
  canary?: boolean;
};

/**
 * One group of a rollout with its own target version: the plan's batches firstBatch ..
 * firstBatch + batchCount - 1 (batches stay numbered across the whole task, as progress is).
 */
export type PlanStage = {
  group: { id: number; name: string } | null;
  targetVersion: string;
  strategy: BatchGroupingStrategy;
  batchSize: number | null;
  /** The stage named its own strategy or batch size (a rollout's per-stage choice), not its group's. */
  ownBatching?: boolean;
  firstBatch: number;
  batchCount: number;
};

export type Plan = {
  group: { id: number; name: string } | null;
  targetVersion: string;
  strategy: BatchGroupingStrategy;
  batchSize: number | null;
  batches: PlanBatch[];
  /** Worth a look before starting (offline server, already on the target, no HAProxy mapping ...). */
  warnings: string[];
  /** What stops the plan from starting (a playbook missing on the AC host, or outside PLAYBOOK_DIRS). */
  problems: string[];
  /**
   * The groups in the order they run, each with its version; group, targetVersion and strategy
   * above are the first stage's. Absent in tasks made before rollouts: read it through stagesOf().
   */
  stages?: PlanStage[];
};

export type StepState = {
  name: StepName;
  status: StepStatus;
  startedAt: string | null;
  finishedAt: string | null;
  note: string | null;
};
export type BatchProgress = { status: BatchStatus; steps: StepState[] };

export type TaskProgress = {
  plan: Plan;
  batches: BatchProgress[];
  current: { batch: number; step: StepName } | null;
  failure: { batch: number; step: StepName; message: string } | null;
  /** The running playbook's process (group) id, so a reaper on the same host can end a playbook left behind. */
  playbookPid: number | null;
  /**
   * HAProxy servers this task drained and has not readied again, recorded before the drain is sent
   * and removed once ready succeeded: what an interrupted or failed task left out of the pool.
   * (Absent in tasks stored before it existed.)
   */
  outOfPool?: OutOfPoolServer[];
  /** Likewise the Eureka instances it set OUT_OF_SERVICE (docs/update-tasks.md, "Eureka"). */
  outOfService?: OutOfServiceInstance[];
  /** Set while the task is paused, waiting for an operator's Continue (absent in tasks made before). */
  pause?: TaskPause | null;
};

/** Where a paused task stopped: after which batch, and why (the canary, or the end of a rollout's group). */
export type TaskPause = { afterBatch: number; reason: "canary" | "stage"; since: string };

export type OutOfPoolServer = { haproxyServerId: number; label: string };

/** An instance this task set OUT_OF_SERVICE in Eureka: recorded before the call, removed once it is UP again. */
export type OutOfServiceInstance = {
  instanceId: number;
  label: string;
  registry: string;
  app: string;
  eurekaId: string;
};

export const outOfPoolOf = (progress: Pick<TaskProgress, "outOfPool">): OutOfPoolServer[] => progress.outOfPool ?? [];
/** The instances the task set OUT_OF_SERVICE in Eureka and has not put back UP. */
export const outOfServiceOf = (progress: Pick<TaskProgress, "outOfService">): OutOfServiceInstance[] =>
  progress.outOfService ?? [];

export function initialProgress(plan: Plan): TaskProgress {
  const steps = (): StepState[] =>
    STEP_NAMES.map((name) => ({ name, status: "pending", startedAt: null, finishedAt: null, note: null }));
  return {
    plan,
    batches: plan.batches.map(() => ({ status: "pending", steps: steps() })),
    current: null,
    failure: null,
    playbookPid: null,
    outOfPool: [],
  };
}

/** A plan's stages; a plan stored before rollouts is one stage, its group. */
export function stagesOf(plan: Plan): PlanStage[] {
  if (plan.stages?.length) return plan.stages;
  const { group, targetVersion, strategy, batchSize } = plan;
  return [{ group, targetVersion, strategy, batchSize, firstBatch: 0, batchCount: plan.batches.length }];
}

/** The stage a batch belongs to, with its index. */
export function stageOf(plan: Plan, batch: number): PlanStage & { index: number } {
  const stages = stagesOf(plan);
  const index = Math.max(
    0,
    stages.findIndex((s) => batch >= s.firstBatch && batch < s.firstBatch + s.batchCount),
  );
  return { ...stages[index]!, index };
}

/** "stage 2/2 (web), " for a rollout of several groups; nothing for a single group. */
export function stagePrefix(plan: Plan, batch: number): string {
  const count = stagesOf(plan).length;
  if (count < 2) return "";
  const stage = stageOf(plan, batch);
  return `stage ${stage.index + 1}/${count}${stage.group ? ` (${stage.group.name})` : ""}, `;
}

/** "batch 2/3, step playbook" (a rollout: "stage 2/2 (web), batch 4/5, …"): how logs and errors name a place in the run. */
export const where = (progress: Pick<TaskProgress, "plan">, batch: number, step?: StepName) =>
  `${stagePrefix(progress.plan, batch)}batch ${batch + 1}/${progress.plan.batches.length}${step ? `, step ${step}` : ""}`;
