// The runner's record of where it is: every step's status and times, kept in tasks.progress and
// saved at each transition, so the task page and a restart both know the last step.
import { db, Prisma } from "../db";
import type { BatchStatus, StepName, StepState, StepStatus, TaskProgress } from "./plan-types";

export class ProgressTracker {
  private saving: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly taskId: string,
    readonly state: TaskProgress,
  ) {}

  step(batch: number, name: StepName): StepState {
    return this.state.batches[batch]!.steps.find((s) => s.name === name)!;
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

  setPlaybookPid(pid: number | null): Promise<unknown> {
    this.state.playbookPid = pid;
    return this.save();
  }

  /** Saves are chained so an older snapshot never lands after a newer one. */
  save(): Promise<unknown> {
    const snapshot = structuredClone(this.state) as unknown as Prisma.InputJsonValue;
    const write = () =>
      db().task.update({ where: { id: this.taskId }, data: { progress: snapshot }, select: { id: true } });
    const next = this.saving.catch(() => undefined).then(write); // one failed save must not block the later ones
    this.saving = next;
    return next;
    return this.saving;
  }
}
