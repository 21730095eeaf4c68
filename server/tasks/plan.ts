// An update's plan, as previewed and as run: the chosen instances split into batches by the
// group's strategy, each instance with its effective playbook, artifact URL and the HAProxy
// servers that will be drained around it, and the warnings worth reading first.
import { z } from "zod";
import { config } from "../config";
import { db } from "../db";
import { AppError } from "../errors";
import { BatchGroupingStrategy } from "../generated/prisma/enums";
import { currentVersion } from "../inventory/queries/instance-shape";
import { planEureka } from "../eureka/registry";
import { effectiveSettings, settingsChainInclude } from "../inventory/settings";
import { makeBatches, makeBatchesWithCanary } from "./batches";
import type { HaproxyPort } from "./deps";
import { resolvePlaybook } from "./playbook-paths";
import type { Plan, PlanBatch, PlanInstance, PlanStage, TaskParameters, TaskTarget } from "./plan-types";
import { batchSizeSchema } from "../../lib/batching";
import { positiveId } from "../../lib/schemas";

// Versions reach playbooks (and often a shell there): letters, digits and . _ + : @ - only.
export const versionSchema = z
  .string()
  .trim()
  .min(1, "pick a version")
  .max(128, "at most 128 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+:@-]*$/, "letters, digits and . _ + : @ - only");
const delay = z.number().int().min(0).max(3600);

export const updateRequestInput = z
  .object({
    /** A whole group, or the group the chosen instances belong to. */
    groupId: positiveId.optional(),
    /** Some instances (of one group); omitted = every instance of groupId. */
    instanceIds: z.array(positiveId).min(1).max(1000).optional(),
    targetVersion: versionSchema,
    /** Defaults: the group's strategy and batch size. */
    strategy: z.enum(BatchGroupingStrategy).optional(),
    batchSize: batchSizeSchema.optional(),
    orchestrateHaproxy: z.boolean().default(true),
    /** The first batch is one instance, then the task pauses for an operator's Continue. */
    canary: z.boolean().optional(),
    /** Defaults: TASK_DRAIN_DELAY, TASK_WAIT_AFTER_UPDATE, TASK_CONFIRM_TIMEOUT. */
    drainDelaySec: delay.optional(),
    waitAfterUpdateSec: delay.optional(),
    confirmTimeoutSec: z.number().int().min(1).max(3600).optional(),
    /** Defaults: TASK_DRAIN_TIMEOUT, TASK_DRAIN_SESSION_THRESHOLD, TASK_DRAIN_ON_TIMEOUT. */
    drainTimeoutSec: delay.optional(),
    drainSessionThreshold: z.number().int().min(0).max(100_000).optional(),
    onDrainTimeout: z.enum(["fail", "continue"]).optional(),
    /** Set registered instances OUT_OF_SERVICE in Eureka around their batch (docs/update-tasks.md, "Eureka"). */
    eureka: z.boolean().default(false),
  })
  .refine((v) => v.groupId !== undefined || v.instanceIds !== undefined, {
    message: "pick a group or some instances",
    path: ["instanceIds"],
  });
export type UpdateRequest = z.output<typeof updateRequestInput>;

const instanceSelect = {
  id: true,
  instanceName: true,
  instanceNumber: true,
  appType: true,
  status: true,
  version: true,
  tag: true,
  distrPath: true,
  path: true,
  image: true,
  composeProjectDir: true,
  eurekaRegistered: true,
  eurekaUrl: true,
  ip: true,
  port: true,
  groupId: true,
  customPlaybookPath: true,
  customArtifactUrl: true,
  customArtifactExtension: true,
  server: { select: { id: true, name: true, ip: true, status: true } },
  ...settingsChainInclude,
} as const;

/** What picks one group's instances, its version and its batching: a single update, or one stage of a rollout. */
export type GroupRequest = Pick<UpdateRequest, "groupId" | "instanceIds" | "targetVersion" | "strategy" | "batchSize">;
/** The options one run shares across its stages. */
type RunOptions = Omit<UpdateRequest, keyof GroupRequest>;

async function loadInstances(request: GroupRequest) {
  const where = request.instanceIds ? { id: { in: request.instanceIds } } : { groupId: request.groupId };
  const rows = await db().applicationInstance.findMany({ where, select: instanceSelect, orderBy: { id: "asc" } });
  if (request.instanceIds && rows.length !== new Set(request.instanceIds).size) {
    const missing = request.instanceIds.filter((id) => !rows.some((row) => row.id === id));
    throw new AppError("NOT_FOUND", `Instance${missing.length > 1 ? "s" : ""} ${missing.join(", ")} not found`);
  }
  if (rows.length === 0) throw new AppError("BAD_REQUEST", "The group has no instances to update");
  const groupIds = new Set(rows.map((row) => row.groupId));
  if (groupIds.size > 1)
    throw new AppError("BAD_REQUEST", "Pick instances of one group: the batch strategy and versions are a group's");
  const groupId = rows[0]!.groupId;
  if (request.groupId !== undefined && groupId !== request.groupId) {
    throw new AppError("BAD_REQUEST", `Instance ${rows[0]!.instanceName} is not in group ${request.groupId}`);
  }
  const group = groupId
    ? await db().applicationGroup.findUnique({
        where: { id: groupId },
        select: { id: true, name: true, batchGroupingStrategy: true, batchSize: true, eurekaAppName: true },
      })
    : null;
  return { rows, group };
}

/** The run's parameters; strategy, batch size and version are the (first) group's. */
export function runParameters(
  options: RunOptions & { pauseBetweenStages?: boolean },
  first: { targetVersion: string; strategy: BatchGroupingStrategy; batchSize: number | null },
): TaskParameters {
  const c = config();
  return {
    targetVersion: first.targetVersion,
    strategy: first.strategy,
    batchSize: first.batchSize,
    orchestrateHaproxy: options.orchestrateHaproxy,
    drainDelaySec: options.drainDelaySec ?? c.TASK_DRAIN_DELAY,
    drainTimeoutSec: options.drainTimeoutSec ?? c.TASK_DRAIN_TIMEOUT,
    drainSessionThreshold: options.drainSessionThreshold ?? c.TASK_DRAIN_SESSION_THRESHOLD,
    onDrainTimeout: options.onDrainTimeout ?? c.TASK_DRAIN_ON_TIMEOUT,
    waitAfterUpdateSec: options.waitAfterUpdateSec ?? c.TASK_WAIT_AFTER_UPDATE,
    confirmTimeoutSec: options.confirmTimeoutSec ?? c.TASK_CONFIRM_TIMEOUT,
    canary: options.canary ?? false,
    pauseBetweenStages: options.pauseBetweenStages ?? false,
    eureka: options.eureka ?? false,
  };
}

export type PlannedGroup = Awaited<ReturnType<typeof planGroup>>;

/** One group's instances, each with its effective settings and HAProxy servers, and what is worth a warning. */
export async function planGroup(request: GroupRequest, orchestrateHaproxy: boolean, haproxy: HaproxyPort) {
  const { rows, group } = await loadInstances(request);
  const strategy = request.strategy ?? group?.batchGroupingStrategy ?? "one_at_a_time";
  const batchSize = request.batchSize ?? group?.batchSize ?? null;
  const mapped = orchestrateHaproxy ? await haproxy.serversMappedToInstances(rows.map((row) => row.id)) : [];
  const warnings: string[] = [];
  const eurekaWarnings: string[] = [];
  const instances: PlanInstance[] = rows.map((row) => {
    const settings = effectiveSettings(row);
    const where = `${row.instanceName} on ${row.server.name}`;
    if (row.server.status !== "online") warnings.push(`${where}: the server is ${row.server.status}`);
    else if (row.status !== "online") warnings.push(`${where} is ${row.status}`);
    if (currentVersion(row) === request.targetVersion) warnings.push(`${where} already runs ${request.targetVersion}`);
    const haproxyServers = mapped
      .filter((m) => m.instanceId === row.id)
      .map(({ haproxyServerId, label, status }) => ({ haproxyServerId, label, status }));
    if (orchestrateHaproxy && haproxyServers.length === 0)
      warnings.push(`${where}: no HAProxy server mapped, updated without draining`);
    const eureka = planEureka(row, group, row.server.ip);
    // Worth a warning only when the run asks for Eureka (assemblePlan decides).
    if (eureka?.skip)
      eurekaWarnings.push(`${where}: registered in Eureka, but ${eureka.skip}: its Eureka status is left alone`);
    return {
      id: row.id,
      name: row.instanceName,
      number: row.instanceNumber,
      appType: row.appType,
      server: { id: row.server.id, name: row.server.name, ip: row.server.ip },
      currentVersion: currentVersion(row),
      distrPath: row.distrPath,
      path: row.path,
      image: row.image,
      composeProjectDir: row.composeProjectDir,
      playbook: settings.playbookPath,
      artifactUrl: settings.artifactUrl,
      artifactExtension: settings.artifactExtension,
      haproxy: haproxyServers,
      eureka,
    };
  });
  return {
    group: group ? { id: group.id, name: group.name } : null,
    instances,
    warnings,
    eurekaWarnings,
    targetVersion: request.targetVersion,
    strategy,
    batchSize: strategy === "fixed_size" ? (batchSize ?? 1) : null,
    ownBatching: request.strategy !== undefined || request.batchSize !== undefined,
  };
}

/**
 * The plan of planned groups run one after the other: batches numbered across all of them, one
 * stage per group; with a canary, the first group's first batch is one instance.
 */
export async function assemblePlan(groups: PlannedGroup[], parameters: TaskParameters): Promise<Plan> {
  const multi = groups.length > 1;
  const warnings = groups.flatMap((g) => {
    const own = parameters.eureka ? [...g.warnings, ...g.eurekaWarnings] : g.warnings;
    return multi ? own.map((w) => `${g.group?.name ?? "—"}: ${w}`) : own;
  });
  if (!parameters.orchestrateHaproxy) warnings.push("HAProxy orchestration is off for this run: nothing is drained");
  if (parameters.eureka && !groups.some((g) => g.instances.some((i) => i.eureka)))
    warnings.push("Eureka is on for this run, but no instance of it reports a Eureka registration");
  const problems: string[] = [];
  for (const playbook of new Set(groups.flatMap((g) => g.instances.map((i) => i.playbook.value!)))) {
    const resolved = await resolvePlaybook(playbook);
    if (!resolved.ok) problems.push(resolved.problem);
  }
  const batches: PlanBatch[] = [];
  const stages: PlanStage[] = groups.map((g, index) => {
    const split = index === 0 && parameters.canary ? makeBatchesWithCanary : makeBatches;
    const firstBatch = batches.length;
    for (const instances of split(g.instances, g.strategy, g.batchSize))
      batches.push({
        index: batches.length,
        instances,
        ...(batches.length === 0 && parameters.canary ? { canary: true } : {}),
      });
    const { group, targetVersion, strategy, batchSize, ownBatching } = g;
    return {
      group,
      targetVersion,
      strategy,
      batchSize,
      ...(ownBatching ? { ownBatching } : {}),
      firstBatch,
      batchCount: batches.length - firstBatch,
    };
  });
  const first = stages[0]!;
  return {
    group: first.group,
    targetVersion: first.targetVersion,
    strategy: first.strategy,
    batchSize: first.batchSize,
    batches,
    warnings,
    problems,
    stages,
  };
}

export async function buildPlan(request: UpdateRequest, haproxy: HaproxyPort) {
  const planned = await planGroup(request, request.orchestrateHaproxy, haproxy);
  const parameters = runParameters(request, planned);
  const plan = await assemblePlan([planned], parameters);
  const target: TaskTarget = { groupId: planned.group?.id ?? null, instanceIds: planned.instances.map((i) => i.id) };
  return { plan, target, parameters };
}
