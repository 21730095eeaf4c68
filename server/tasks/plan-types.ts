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

export type TaskTarget = { groupId: number | null; instanceIds: number[] };

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
 * the registry lists it under (the agent's ip or the server's, and the port).
 */
export type PlanEureka = {
  app: string;
  registry: string | null;
  skip: string | null;
  ip: string | null;
  port: number | null;
};

export type PlanBatch = { index: number; instances: PlanInstance[] };

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
};

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

/** "batch 2/3, step playbook": how logs and errors name a place in the run. */
export const where = (progress: Pick<TaskProgress, "plan">, batch: number, step?: StepName) =>
  `batch ${batch + 1}/${progress.plan.batches.length}${step ? `, step ${step}` : ""}`;
