// Runs one update task, batch after batch (docs/update-tasks.md, "A batch, step by step"): drain the batch's HAProxy servers →
// wait drain_delay → ansible-playbook → wait wait_after_update → confirm through the agent →
// ready. A rollout's stages (one group each, its own version) run one after the other, and the
// run may end `paused` after the canary or a stage, to go on after a Continue (stages.ts). A failure
// stops the rollout where it is: later batches are not touched and the failed
// batch's servers stay out of the pool (recorded in progress.outOfPool as they are drained). A
// cancel stops after the current step (or at once). Every database write retries through an
// outage (db-retry.ts) and lands only while this runner holds the task's lease (lease.ts). A run
// whose lease could not be renewed for nearly the whole lease is fenced (fence.ts): its step is
// stopped, no further step or command starts, and it ends interrupted, saying why.
import { jobAudit, userIdOfActorName } from "../audit/jobs";
import { db } from "../db";
import { messageForUsers } from "../error-report";
import { redact } from "../security/redact";
import { retryThroughOutage } from "./db-retry";
import type { TaskDeps } from "./deps";
import { Cancelled, sleep, StepFailed } from "./errors";
import { TaskLog } from "./log";
import { confirmInstances } from "./confirm";
import { waitForSessions } from "./drain-wait";
import { eurekaStep, restoreAfterCancel, type EurekaRun } from "./eureka";
import { fencedWhy } from "./fence";
import { runPlaybook } from "./playbook";
import {
  STEP_NAMES,
  stageOf,
  where,
  type PlanHaproxyServer,
  type PlanInstance,
  type StepName,
  type TaskParameters,
  type TaskProgress,
} from "./plan-types";
import { ProgressTracker } from "./progress";
import { interruptedError } from "./reaper";
import { ABORT, notOurs, thisRunner } from "./runner-identity";
import { firstBatchToRun, pauseDue, pauseForContinue, runStartLine, stageStartLine } from "./stages";

type Run = {
  taskId: string;
  createdBy: string;
  params: TaskParameters;
  progress: ProgressTracker;
  log: TaskLog;
  signal: AbortSignal;
  deps: TaskDeps;
  /** The current batch's servers this run has drained (left drained on a failure). */
  drained: PlanHaproxyServer[];
  /** The audit rows of this run are the update-task job's, on behalf of who started it (docs/audit.md). */
  startedBy: { name: string; userId: number | null };
};

const taskAudit = (run: Run, action: string) =>
  jobAudit({ job: "update-task", action, startedBy: run.startedBy, taskId: run.taskId });

/** Thrown between steps when the task's cancel flag is set. */
class CancelledAfterStep extends Cancelled {}

async function cancelRequested(taskId: string) {
  const task = await retryThroughOutage(`task ${taskId}: cancel check`, () =>
    db().task.findUnique({ where: { id: taskId }, select: { cancelRequested: true } }),
  );
  return task?.cancelRequested ?? true;
}

/** The run was stopped because the task is no longer this runner's (reaped after a lost lease). */
const leaseLost = (run: Run) => run.signal.aborted && run.signal.reason === ABORT.leaseLost;
/** The run fenced itself: its lease was about to run out unrenewed (fence.ts). */
const fenced = (run: Run) => run.signal.aborted && run.signal.reason === ABORT.fenced;
const FENCED_NOTE = "interrupted: lease lost during a database outage";

/** Runs one step with its bookkeeping; `work` returns the step's note. */
async function step(run: Run, batch: number, name: StepName, work: (() => Promise<string | null>) | { skip: string }) {
  const at = where(run.progress.state, batch, name);
  if ("skip" in work) {
    await run.progress.end(batch, name, "skipped", work.skip);
    run.log.line(`${at}: skipped (${work.skip})`);
  } else {
    await run.progress.begin(batch, name);
    run.log.line(`${at}: started`);
    try {
      const note = await work();
      await run.progress.end(batch, name, "succeeded", note);
      run.log.line(`${at}: done${note ? ` (${note})` : ""}`);
    } catch (error) {
      if (error instanceof Cancelled) {
        if (fenced(run)) await run.progress.fail(batch, name, FENCED_NOTE);
        else await run.progress.end(batch, name, "cancelled", "cancelled while running");
        throw error;
      }
      // Stored where viewers read it: a playbook's fatal lines may quote a secret; anything
      // unexpected (the database) only by its error id.
      const message = redact(messageForUsers(`task ${run.taskId} step ${name}`, error, error instanceof StepFailed));
      await run.progress.fail(batch, name, message);
      run.log.line(`${at}: FAILED: ${message}`);
      throw error instanceof StepFailed ? error : new StepFailed(message);
    }
  }
  // After its last step the batch is complete: the check before the next batch decides.
  if (name !== STEP_NAMES.at(-1)) await checkCancel(run);
}

async function checkCancel(run: Run) {
  if (run.signal.aborted || (await cancelRequested(run.taskId))) throw new CancelledAfterStep();
}

async function haproxyCommand(run: Run, servers: PlanHaproxyServer[], command: "drain" | "ready") {
  if (command === "drain") await run.progress.willDrain(servers);
  for (const server of servers) {
    // Drain and ready are idempotent: one resent after an outage cut its audit row short does no
    // harm. None is sent once the run is fenced or reaped (the signal).
    const result = await retryThroughOutage(
      `task ${run.taskId}: ${command} ${server.label}`,
      () =>
        run.deps.haproxy.runServerCommand({
          haproxyServerId: server.haproxyServerId,
          command,
          actor: run.createdBy,
          taskId: run.taskId,
          audit: taskAudit(run, "haproxy.command"),
          mayProceed: () => !notOurs(run.signal), // an attempt under way when the fence fired
        }),
      run.signal,
    );
    if (!result.ok && notOurs(run.signal)) throw new Cancelled(); // not sent: fenced or reaped
    if (!result.ok) throw new StepFailed(`${command} ${server.label}: ${result.error ?? "refused"}`);
    if (command === "ready") await run.progress.readied(server.haproxyServerId);
    run.log.line(`${command} ${server.label} → ${result.status ?? "ok"}`);
  }
  return `${servers.map((s) => s.label).join(", ")}`;
}

/** What the Eureka steps (eureka.ts) need of this run. */
const eurekaRun = (run: Run): EurekaRun => ({
  enabled: run.params.eureka === true,
  progress: run.progress,
  log: (line) => run.log.line(line),
  audit: taskAudit(run, "eureka.status"),
  signal: run.signal,
});

async function runBatch(run: Run, batch: number, instances: PlanInstance[]) {
  const { params } = run;
  const { targetVersion } = stageOf(run.progress.state.plan, batch); // a rollout's stage has its own
  const servers = params.orchestrateHaproxy ? instances.flatMap((i) => i.haproxy) : [];
  const drained: PlanHaproxyServer[] = (run.drained = []);
  try {
    await step(run, batch, "eureka_down", eurekaStep(eurekaRun(run), instances, "down"));
    await step(
      run,
      batch,
      "drain",
      !params.orchestrateHaproxy
        ? { skip: "HAProxy orchestration off for this run" }
        : servers.length === 0
          ? { skip: "no HAProxy server mapped" }
          : async () => {
              drained.push(...servers); // a partly failed drain leaves those it reached drained, as a failure should
              return haproxyCommand(run, servers, "drain");
            },
    );
    const waitsForSessions = (params.drainTimeoutSec ?? 0) > 0;
    const noDelay =
      drained.length === 0 ? "nothing drained" : params.drainDelaySec === 0 && !waitsForSessions ? "0 s" : null;
    await step(
      run,
      batch,
      "drain_delay",
      noDelay
        ? { skip: noDelay }
        : async () => {
            // The fixed delay is the minimum; then the sessions decide (docs/update-tasks.md).
            await sleep(params.drainDelaySec * 1000, run.signal);
            if (!waitsForSessions) return `${params.drainDelaySec} s`;
            const waited = await waitForSessions({
              servers: drained,
              threshold: params.drainSessionThreshold ?? 0,
              timeoutMs: params.drainTimeoutSec! * 1000,
              onTimeout: params.onDrainTimeout ?? "fail",
              pollMs: run.deps.sessionPollMs,
              read: run.deps.haproxy.currentSessions,
              signal: run.signal,
              report: async (note) => {
                await run.progress.note(batch, "drain_delay", note);
                run.log.line(`${where(run.progress.state, batch, "drain_delay")}: ${note}`);
              },
            });
            return `${params.drainDelaySec} s, then ${waited}`;
          },
    );
  } catch (error) {
    // Stopped before the playbook touched anything: put the servers back (unless the task is no
    // longer, or soon no longer, ours: the task lists them and an operator decides).
    if (error instanceof Cancelled && !notOurs(run.signal)) {
      if (drained.length) await restore(run, drained);
      await restoreAfterCancel(eurekaRun(run), instances);
    }
    throw error;
  }
  const playbookStartedAt = new Date();
  await step(run, batch, "playbook", async () => {
    // An instance may name its own playbook: one run per playbook, one after the other.
    const byPlaybook = new Map<string, PlanInstance[]>();
    for (const i of instances) byPlaybook.set(i.playbook.value!, [...(byPlaybook.get(i.playbook.value!) ?? []), i]);
    for (const [playbook, group] of byPlaybook) {
      await runPlaybook({
        taskId: run.taskId,
        playbook,
        instances: group,
        targetVersion,
        batch: { index: batch, total: run.progress.state.plan.batches.length },
        bin: run.deps.ansiblePlaybook,
        timeoutMs: run.deps.playbookTimeoutMs,
        log: run.log,
        signal: run.signal,
        onPid: (pid) => run.progress.setPlaybookPid(pid),
      });
    }
    return [...byPlaybook.keys()].join(", ");
  });
  await step(
    run,
    batch,
    "wait_after_update",
    params.waitAfterUpdateSec === 0
      ? { skip: "0 s" }
      : async () => {
          await sleep(params.waitAfterUpdateSec * 1000, run.signal);
          return `${params.waitAfterUpdateSec} s`;
        },
  );
  await step(run, batch, "confirm", async () => {
    const confirmed = taskAudit(run, "tasks.confirm");
    const target = { type: "task", id: run.taskId, label: `update to ${targetVersion}` };
    const details = { batch: batch + 1, instanceIds: instances.map((i) => i.id) };
    const notes = await confirmInstances(instances, {
      taskId: run.taskId,
      createdBy: run.createdBy,
      targetVersion,
      timeoutMs: params.confirmTimeoutSec * 1000,
      pollMs: run.deps.confirmPollMs,
      agent: run.deps.agent,
      signal: run.signal,
      playbookStartedAt,
    }).catch(async (error: unknown) => {
      await confirmed.record(db(), { target, details, outcome: "failure", error: (error as Error).message });
      throw error;
    });
    await confirmed.record(db(), { target, details: { ...details, notes: notes.join("; ").slice(0, 1000) } });
    return notes.join("; ");
  });
  await step(
    run,
    batch,
    "ready",
    drained.length === 0 ? { skip: "nothing drained" } : () => haproxyCommand(run, drained, "ready"),
  );
  await step(run, batch, "eureka_up", eurekaStep(eurekaRun(run), instances, "up"));
}

async function restore(run: Run, drained: PlanHaproxyServer[]) {
  run.log.line("cancelled before the playbook ran: putting the drained servers back");
  try {
    await haproxyCommand(run, drained, "ready");
  } catch (error) {
    run.log.line(`could not ready them: ${(error as Error).message}; they stay drained`);
  }
}

type Outcome = { status: "succeeded" | "failed" | "cancelled" | "interrupted" | "paused"; error: string | null };

export async function runUpdateTask(taskId: string, controller: AbortController, deps: TaskDeps): Promise<Outcome> {
  const task = await retryThroughOutage(`task ${taskId}: start`, () =>
    db().task.findUniqueOrThrow({ where: { id: taskId } }),
  );
  const state = task.progress as unknown as TaskProgress;
  const onLost = () => controller.abort(ABORT.leaseLost);
  const run: Run = {
    taskId,
    createdBy: task.createdBy,
    params: task.parameters as unknown as TaskParameters,
    progress: new ProgressTracker(taskId, state, { runnerId: thisRunner.id, onLost }),
    log: new TaskLog(taskId),
    signal: controller.signal,
    deps,
    drained: [],
    startedBy: { name: task.createdBy, userId: await userIdOfActorName(task.createdBy) },
  };
  const total = state.plan.batches.length;
  let batch = firstBatchToRun(state);
  run.log.line(runStartLine(state.plan, run.params, task.createdBy, batch));
  let outcome: Outcome;
  try {
    for (; batch < total; batch++) {
      await checkCancel(run);
      const stageLine = stageStartLine(state.plan, batch);
      if (stageLine) run.log.line(stageLine);
      const instances = state.plan.batches[batch]!.instances;
      run.log.line(`${where(state, batch)}: ${instances.map((i) => `${i.name} on ${i.server.name}`).join(", ")}`);
      try {
        await runBatch(run, batch, instances);
      } catch (error) {
        await run.progress.batchDone(batch, error instanceof Cancelled && !fenced(run) ? "cancelled" : "failed");
        throw error;
      }
      await run.progress.batchDone(batch, "succeeded");
      if (pauseDue(state.plan, run.params, batch)) break;
    }
    outcome = batch < total ? { status: "paused", error: null } : { status: "succeeded", error: null };
  } catch (error) {
    outcome = describeStop(run, error, batch);
  }
  state.current = null;
  await run.progress.save();
  const held =
    outcome.status === "paused" && !leaseLost(run) // fenced after the stage's last step: the guarded pause is still true
      ? await pauseForContinue(taskId, state, run.params, batch, run.log, taskAudit(run, "tasks.pause"))
      : null;
  if (held === "paused") return outcome;
  if (held === "cancelled") outcome = { status: "cancelled", error: `Cancelled after ${where(state, batch)}` };
  if (leaseLost(run) || held === "lost") {
    run.log.line("stopped: this runner no longer holds the task (its lease ran out and it was marked interrupted)");
    await run.log.flush();
    return { status: "interrupted", error: null };
  }
  run.log.line(`task ${outcome.status}${outcome.error ? `: ${outcome.error}` : ""}`);
  await run.log.flush();
  // The task's end and its audit row commit together, only while this runner still holds the task.
  const count = await retryThroughOutage(`task ${taskId}: final write`, () =>
    db().$transaction(async (tx) => {
      const { count } = await tx.task.updateMany({
        where: { id: taskId, status: "running", runnerId: thisRunner.id },
        data: { status: outcome.status, error: outcome.error, finishedAt: new Date(), leaseExpiresAt: null },
      });
      if (count)
        await taskAudit(run, "tasks.finish").record(tx, {
          target: { type: "task", id: taskId, label: `update to ${run.params.targetVersion}` },
          changes: { status: { from: "running", to: outcome.status } },
          outcome: outcome.status === "failed" ? "failure" : "success",
          error: outcome.error,
        });
      return count;
    }),
  );
  if (count === 0)
    console.warn(`[ac] task ${taskId}: ended ${outcome.status}, but another runner had marked it interrupted`);
  return outcome;
}

function describeStop(run: Run, error: unknown, batch: number): Outcome {
  const state = run.progress.state;
  if (error instanceof Cancelled && fenced(run)) {
    return { status: "interrupted", error: redact(interruptedError(fencedWhy(), state)) };
  }
  if (error instanceof Cancelled) {
    const last = state.current ? where(state, state.current.batch, state.current.step) : where(state, batch);
    const how = error instanceof CancelledAfterStep ? "after" : "during";
    return { status: "cancelled", error: `Cancelled ${how} ${last}` };
  }
  const failure = state.failure;
  const message = failure
    ? `${where(state, failure.batch, failure.step)} failed: ${failure.message}`
    : `${where(state, batch)} failed: ${(error as Error).message}`;
  if (run.drained.length)
    run.log.line(`left out of the pool for inspection: ${run.drained.map((s) => s.label).join(", ")}`);
  const outOfService = state.outOfService ?? [];
  if (outOfService.length)
    run.log.line(`left OUT_OF_SERVICE in Eureka: ${outOfService.map((o) => o.label).join(", ")}`);
  return { status: "failed", error: redact(message) };
}
