// The runner's record of where it is: every step's status and times and the HAProxy servers it
// holds out of the pool, kept in tasks.progress and saved at each transition, so the task page and
// a reaper both know the last step. A save retries through a database outage and lands only while
// this runner still holds the task; finding it no longer ours calls `onLost` (the run stops).
import { db, Prisma } from "../db";
import { retryThroughOutage } from "./db-retry";
import {
  outOfPoolOf,
  type BatchStatus,
  type OutOfPoolServer,
  type StepName,
  type StepState,
  type StepStatus,
  type TaskProgress,
} from "./plan-types";

export class ProgressTracker {
  private saving: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly taskId: string,
    readonly state: TaskProgress,
    private readonly owner: { runnerId: string; onLost: () => void },
  ) {}

  step(batch: number, name: StepName): StepState {
    const steps = this.state.batches[batch]!.steps;
    const found = steps.find((s) => s.name === name);
    if (found) return found;
    // A task stored before this step existed (the Eureka steps) gets it when it first runs.
    const added: StepState = { name, status: "pending", startedAt: null, finishedAt: null, note: null };
    steps.push(added);
    return added;
  }

  begin(batch: number, name: StepName, note: string | null = null): Promise<unknown> {
    const step = this.step(batch, name);
    Object.assign(step, { status: "running", startedAt: new Date().toISOString(), note });
    this.state.batches[batch]!.status = "running";
    this.state.current = { batch, step: name };
    return this.save();
  }

  end(batch: number, name: StepName, status: StepStatus, note?: string | null): Promise<unknown> {
    const step = this.step(batch, name);
    step.status = status;
    if (status !== "skipped") step.finishedAt = new Date().toISOString(); // a skipped step has no times
    if (note !== undefined) step.note = note;
    return this.save();
  }

  /** A running step's note changes (the sessions still open while draining); saved only when it did. */
  note(batch: number, name: StepName, note: string): Promise<unknown> {
    const step = this.step(batch, name);
    if (step.note === note) return Promise.resolve();
    step.note = note;
    return this.save();
  }

  batchDone(batch: number, status: BatchStatus): Promise<unknown> {
    this.state.batches[batch]!.status = status;
    // Steps a stopped batch never reached stay visible as such.
    if (status !== "succeeded")
      for (const step of this.state.batches[batch]!.steps) if (step.status === "pending") step.status = "skipped";
    return this.save();
  }

  fail(batch: number, name: StepName, message: string): Promise<unknown> {
    this.state.failure = { batch, step: name, message };
    return this.end(batch, name, "failed", message);
  }

  /** Before a drain is sent: a runner that dies after sending it still leaves the servers named. */
  willDrain(servers: OutOfPoolServer[]): Promise<unknown> {
    const known = new Set(outOfPoolOf(this.state).map((s) => s.haproxyServerId));
    this.state.outOfPool = [
      ...outOfPoolOf(this.state),
      ...servers
        .filter((s) => !known.has(s.haproxyServerId))
        .map(({ haproxyServerId, label }) => ({ haproxyServerId, label })),
    ];
    return this.save();
  }

  /** After a ready succeeded. */
  readied(haproxyServerId: number): Promise<unknown> {
    this.state.outOfPool = outOfPoolOf(this.state).filter((s) => s.haproxyServerId !== haproxyServerId);
    return this.save();
  }

  setPlaybookPid(pid: number | null): Promise<unknown> {
    this.state.playbookPid = pid;
    return this.save();
  }

  /** Saves are chained so an older snapshot never lands after a newer one. */
  save(): Promise<unknown> {
    const snapshot = structuredClone(this.state) as unknown as Prisma.InputJsonValue;
    const write = async () => {
      const { count } = await retryThroughOutage(`task ${this.taskId}: progress`, () =>
        db().task.updateMany({
          where: { id: this.taskId, status: "running", runnerId: this.owner.runnerId },
          data: { progress: snapshot },
        }),
      );
      if (count === 0) this.owner.onLost();
    };
    const next = this.saving.catch(() => undefined).then(write); // one failed save must not block the later ones
    this.saving = next;
    return next;
  }
}
