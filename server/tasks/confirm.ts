// After the playbook: ask the instance's agent until it reports the instance online with the
// target version (or tag), within the timeout; then write the new version and a history row
// that names the task, through the same module as the poller (inventory/version-change-sql.ts).
// The server's apps fingerprint is cleared in the same transaction, so the poller compares the
// next reply field by field and, finding this version stored, writes no second row.
import { fetchApps, type AgentClientOptions } from "../agent/client";
import type { ParsedApp } from "../agent/contract";
import { db, pgTransaction } from "../db";
import { pollTargetSelect } from "../inventory/poll-server";
import { agentFields } from "../inventory/reconcile";
import { writeConfirmedVersion } from "../inventory/version-change-sql";
import { retryThroughOutage } from "./db-retry";
import { Cancelled, sleep, StepFailed } from "./errors";
import type { PlanInstance } from "./plan-types";

export type ConfirmRun = {
  taskId: string;
  createdBy: string;
  targetVersion: string;
  timeoutMs: number;
  pollMs: number;
  agent: AgentClientOptions;
  signal: AbortSignal;
  /** When this batch's playbook started: a polling history row written since then is this task's. */
  playbookStartedAt: Date;
};

const reportsTarget = (app: ParsedApp, target: string) => {
  const fields = agentFields(app);
  return fields.status === "online" && (fields.version === target || fields.tag === target);
};

/** Resolves with the agent's entry for the instance once it is online on the target version. */
async function waitForTarget(instance: PlanInstance, run: ConfirmRun): Promise<ParsedApp> {
  const server = await retryThroughOutage(`task ${run.taskId}: confirm`, () =>
    db().server.findUniqueOrThrow({ where: { id: instance.server.id }, select: pollTargetSelect }),
  );
  const deadline = Date.now() + run.timeoutMs;
  let last = "no answer yet";
  for (;;) {
    if (run.signal.aborted) throw new Cancelled();
    try {
      const reply = await fetchApps(server, run.agent);
      const app = reply.apps.find((a) => a.instanceName === instance.name && a.appType === instance.appType);
      if (app && reportsTarget(app, run.targetVersion)) return app;
      const f = app ? agentFields(app) : null;
      last = f ? `reports ${f.version ?? f.tag ?? "no version"} (${f.status})` : "is not reported by the agent";
    } catch (error) {
      last = `agent check failed: ${(error as Error).message}`;
    }
    if (Date.now() + run.pollMs > deadline) {
      throw new StepFailed(
        `${instance.name} on ${instance.server.name} ${last} after ${run.timeoutMs / 1000} s; expected ${run.targetVersion} online`,
      );
    }
    await sleep(run.pollMs, run.signal);
  }
}

async function recordUpdate(instance: PlanInstance, app: ParsedApp, run: ConfirmRun) {
  const reported = agentFields(app);
  const confirmed = {
    instance: { id: instance.id, name: instance.name, serverId: instance.server.id, serverName: instance.server.name },
    reported,
    taskId: run.taskId,
    notes: `update task ${run.taskId} by ${run.createdBy}`,
    target: run.targetVersion,
    since: run.playbookStartedAt,
  };
  // One transaction, so a retry after an outage writes the version once.
  await retryThroughOutage(`task ${run.taskId}: record ${instance.name}`, () =>
    pgTransaction((tx) => writeConfirmedVersion(tx, confirmed, new Date())),
  );
  return reported.version ?? reported.tag;
}

/**
 * Confirms every instance of the batch (in parallel). Each confirmed instance gets its history
 * row even when another one fails; then the first failure (or a cancel) ends the step.
 */
export async function confirmInstances(instances: PlanInstance[], run: ConfirmRun): Promise<string[]> {
  const results = await Promise.allSettled(instances.map((instance) => waitForTarget(instance, run)));
  const notes: string[] = [];
  for (const [i, result] of results.entries()) {
    const instance = instances[i]!;
    if (result.status === "fulfilled")
      notes.push(
        `${instance.name} on ${instance.server.name}: ${await recordUpdate(instance, result.value, run)} online`,
      );
  }
  const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  const cancelled = failures.find((f) => f instanceof Cancelled);
  if (cancelled || failures.length) throw cancelled ?? failures[0];
  return notes;
}
