// The audit row of one call (docs/audit.md, "Adding an audited mutation"). The tRPC middleware
// (server/trpc/audit-middleware.ts) gives every mutation one of these as `ctx.audit`:
// - `record(tx, part)`: the procedure writes its row itself, inside the transaction of its change,
//   with the target and before → after. If that transaction rolls back, so does the row.
// - `describe(part)`: names the target / changes for the row the middleware writes afterwards
//   (for a change without a transaction of its own).
// Either way the call ends with exactly one row: the middleware writes a generic success row when
// nothing was recorded, and a failure or refused row when the call failed and no recorded row survived.
import type { Prisma } from "../db";
import { db } from "../db";
import type { AuditChanges } from "./changes";
import {
  type AuditActor,
  type AuditClient,
  type AuditEntryInput,
  type AuditOutcome,
  type AuditTarget,
  writeAuditEntry,
} from "./entry";
import type { RequestMeta } from "./request-meta";
import { targetLabel } from "./targets";
import { AUDIT_TARGET_TYPES, type AuditTargetType } from "../../lib/audit-targets";

const isTargetType = (type: string): type is AuditTargetType =>
  (AUDIT_TARGET_TYPES as readonly string[]).includes(type);

/** What a procedure or domain function adds to its row. */
export type AuditPart = {
  target?: AuditTarget | null;
  changes?: AuditChanges | null;
  details?: Prisma.InputJsonObject | null;
  /** A call that returns normally can still report a failure (a HAProxy command the agent refused). */
  outcome?: Exclude<AuditOutcome, "refused">;
  error?: string | null;
  taskId?: string | null;
};

/** What domain code takes to write its row: a call's recorder or a job's (server/audit/jobs.ts). */
export interface AuditSink {
  /** Writes the row through `client`: pass the transaction that makes the change. */
  record(client: AuditClient, part?: AuditPart): Promise<void>;
}

export class CallAudit implements AuditSink {
  private part: AuditPart = {};
  private recordedId: number | null = null;

  constructor(
    readonly actor: AuditActor,
    readonly action: string,
    readonly request: RequestMeta,
  ) {}

  describe(part: AuditPart): void {
    this.part = {
      ...this.part,
      ...part,
      target: part.target ? { ...this.part.target, ...part.target } : this.part.target,
    };
  }

  async record(client: AuditClient, part: AuditPart = {}): Promise<void> {
    if (this.recordedId !== null) throw new Error(`${this.action}: a call records one audit row`);
    this.describe(part);
    await this.completeLabel();
    this.recordedId = await writeAuditEntry(client, this.entry(this.part.outcome ?? "success", this.part.error));
  }

  /** The target as described so far (the middleware fills it from the input when absent). */
  get target(): AuditTarget | null | undefined {
    return this.part.target;
  }

  /** Whether a recorded row is in the database (it is not when its transaction rolled back). */
  async recordedRowExists(): Promise<boolean> {
    if (this.recordedId === null) return false;
    return (await db().auditEntry.count({ where: { id: this.recordedId } })) > 0;
  }

  /** The row written on its own after the call. */
  async writeOwn(outcome: AuditOutcome, error: string | null): Promise<void> {
    await this.completeLabel();
    await writeAuditEntry(db(), this.entry(outcome, error));
  }

  /** A target named by type and id only gets its readable name (as stored now). */
  private async completeLabel() {
    const t = this.part.target;
    if (!t || t.label || t.id == null || !isTargetType(t.type)) return;
    this.part.target = { ...t, label: await targetLabel(t.type, String(t.id)).catch(() => null) };
  }

  private entry(outcome: AuditOutcome, error: string | null | undefined): AuditEntryInput {
    const { target, changes, details, taskId } = this.part;
    return {
      actor: this.actor,
      action: this.action,
      outcome,
      error: outcome === "success" ? null : error,
      target,
      // A failed call changed nothing: what it tried to change goes to details.
      changes: outcome === "success" ? changes : null,
      details: outcome === "success" || !changes ? details : { ...details, attempted: changes },
      request: this.request,
      taskId,
    };
  }
}
