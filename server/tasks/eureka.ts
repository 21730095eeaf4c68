// The update task's Eureka steps (docs/update-tasks.md, "Eureka"): before a batch is drained its
// registered instances are set OUT_OF_SERVICE ("eureka_down"), after it is readied the override
// is removed so they are UP again ("eureka_up"). Like the drained HAProxy servers, each instance
// is recorded in progress.outOfService before its call is sent and removed once it is UP, so a
// failed or interrupted task names what it left out, and "return to pool" (recovery.ts) puts it back.
import type { AuditSink } from "../audit/recorder";
import { db, Prisma } from "../db";
import { configuredRegistry, findInstanceId, foreignAddress, setStatus } from "../eureka/registry";
import { retryThroughOutage } from "./db-retry";
import { StepFailed } from "./errors";
import { outOfServiceOf, type OutOfServiceInstance, type PlanInstance, type TaskProgress } from "./plan-types";
import { inRetryChain } from "./retry-chain";

export type EurekaRun = {
  /** The task's parameter: false = both steps skipped. */
  enabled: boolean;
  progress: { state: TaskProgress; save(): Promise<unknown> };
  log: (line: string) => void;
  /** The task's audit sink for action "eureka.status" (server/audit/jobs.ts). */
  audit: AuditSink;
  /** The run's signal: a run no longer its runner's (fenced, reaped) sends no further call (db-retry.ts). */
  signal?: AbortSignal;
};

type Work = (() => Promise<string | null>) | { skip: string };

const labelOf = (i: PlanInstance, app: string, id: string) => `${app}/${id} (${i.name} on ${i.server.name})`;

/** The work of the "eureka_down" or "eureka_up" step for a batch, as the runner's step() takes it. */
export function eurekaStep(run: EurekaRun, instances: PlanInstance[], direction: "down" | "up"): Work {
  if (!run.enabled) return { skip: "Eureka off for this run" };
  if (direction === "up") {
    const ids = new Set(instances.map((i) => i.id));
    const out = outOfServiceOf(run.progress.state).filter((o) => ids.has(o.instanceId));
    return out.length ? () => bringUp(run, out) : { skip: "nothing taken out of service" };
  }
  const registered = instances.filter((i) => i.eureka?.registry);
  return registered.length ? () => takeDown(run, registered) : { skip: "no instance registered in an allowed Eureka" };
}

async function record(audit: AuditSink, o: OutOfServiceInstance, to: "OUT_OF_SERVICE" | "UP", error: string | null) {
  await audit.record(db(), {
    target: { type: "instance", id: o.instanceId, label: o.label },
    changes: error ? null : { eurekaStatus: { from: to === "UP" ? "OUT_OF_SERVICE" : null, to } },
    details: { registry: o.registry, app: o.app, eurekaId: o.eurekaId, status: to },
    outcome: error ? "failure" : "success",
    error,
  });
}

async function takeDown(run: EurekaRun, instances: PlanInstance[]): Promise<string> {
  const done: string[] = [];
  for (const i of instances) {
    const e = i.eureka!;
    let o: OutOfServiceInstance;
    try {
      const base = configuredRegistry(e.registry!);
      // Checked again: a plan made before this check may hold an agent's claim to another address.
      const foreign = foreignAddress(e.ip, i.server.ip);
      if (foreign) throw new Error(foreign);
      const eurekaId = await findInstanceId(base, e.app, { address: i.server.ip, port: e.port! });
      o = { instanceId: i.id, label: labelOf(i, e.app, eurekaId), registry: base.url, app: e.app, eurekaId };
    } catch (error) {
      throw new StepFailed(`${i.name} on ${i.server.name}: ${(error as Error).message}`);
    }
    // Recorded first: a runner that dies after the call still leaves the instance named.
    const known = outOfServiceOf(run.progress.state).filter((x) => x.instanceId !== o.instanceId);
    run.progress.state.outOfService = [...known, o];
    await run.progress.save();
    await call(run, o, "OUT_OF_SERVICE");
    done.push(o.label);
  }
  return done.join(", ");
}

async function bringUp(run: EurekaRun, out: OutOfServiceInstance[]): Promise<string> {
  for (const o of out) {
    await call(run, o, "UP");
    run.progress.state.outOfService = outOfServiceOf(run.progress.state).filter((x) => x.instanceId !== o.instanceId);
    await run.progress.save();
  }
  return out.map((o) => o.label).join(", ");
}

async function call(run: EurekaRun, o: OutOfServiceInstance, to: "OUT_OF_SERVICE" | "UP") {
  // Both calls are idempotent: one resent after an outage cut its audit row short does no harm.
  await retryThroughOutage(
    `Eureka ${to} ${o.label}`,
    async () => {
      try {
        await setStatus(configuredRegistry(o.registry), o.app, o.eurekaId, to);
      } catch (error) {
        const message = (error as Error).message;
        await record(run.audit, o, to, message);
        throw new StepFailed(`${to} ${o.label}: ${message}`);
      }
      await record(run.audit, o, to, null);
    },
    run.signal,
  );
  run.log(`Eureka ${o.label} → ${to}`);
}

/** A batch cancelled before its playbook ran: its instances go back UP (a failure is logged; they stay listed). */
export async function restoreAfterCancel(run: EurekaRun, instances: PlanInstance[]): Promise<void> {
  const work = eurekaStep(run, instances, "up");
  if ("skip" in work) return;
  await work().catch((error: unknown) => run.log(`could not put them back UP in Eureka: ${(error as Error).message}`));
}

/**
 * Who last set the instance's Eureka status, when it is not this task or one it retries: its
 * override is theirs now (docs/update-tasks.md, "Eureka"), like a HAProxy server commanded since.
 */
async function lastSetByOther(taskId: string, o: OutOfServiceInstance): Promise<string | null> {
  const [last] = await db().$queryRaw<{ task_id: string | null; actor_name: string; ours: boolean | null }[]>`
    SELECT a.task_id, a.actor_name, ${inRetryChain(Prisma.raw("a.task_id"), taskId)} AS ours FROM audit_log a
    WHERE a.target_type = 'instance' AND a.target_id = ${String(o.instanceId)}
      AND a.action = 'eureka.status' AND a.outcome = 'success'
    ORDER BY a.created_at DESC, a.id DESC LIMIT 1`;
  if (!last || last.ours) return null;
  return last.task_id ? `task ${last.task_id}` : last.actor_name;
}

/** "Return to pool" after a stop (recovery.ts): puts back what the task left OUT_OF_SERVICE, unless set since by another. */
export async function putBackInService(
  taskId: string,
  out: OutOfServiceInstance[],
  audit: AuditSink,
): Promise<{
  up: string[];
  failed: { label: string; error: string }[];
  skipped: { label: string; reason: string }[];
  left: OutOfServiceInstance[];
}> {
  const result = {
    up: [] as string[],
    failed: [] as { label: string; error: string }[],
    skipped: [] as { label: string; reason: string }[],
    left: [] as OutOfServiceInstance[],
  };
  for (const o of out) {
    const other = await lastSetByOther(taskId, o);
    if (other) {
      result.skipped.push({ label: o.label, reason: `Eureka status set by ${other} since; left as it is` });
      continue;
    }
    try {
      await setStatus(configuredRegistry(o.registry), o.app, o.eurekaId, "UP");
      await record(audit, o, "UP", null);
      result.up.push(o.label);
    } catch (error) {
      const message = (error as Error).message;
      await record(audit, o, "UP", message);
      result.failed.push({ label: o.label, error: message });
      result.left.push(o);
    }
  }
  return result;
}
