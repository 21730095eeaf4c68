// One audit row (docs/audit.md): who, what, on which target, what changed, how it ended, from
// where. Every writer goes through writeAuditEntry, which bounds each field, so a long error or
// user agent cannot grow a row without limit.
import type { Actor } from "../auth/actor";
import { db, type Prisma } from "../db";
import type { AuditActorKind, AuditOutcome } from "../generated/prisma/enums";
import { redact } from "../security/redact";
import type { AuditChanges } from "./changes";
import type { RequestMeta } from "./request-meta";

export type { AuditOutcome };

export type AuditActor = {
  kind: AuditActorKind;
  /** The user's or token's id; null for a job or a login name that matched no account. */
  id: number | null;
  /** Login, `token:<name>` or `job:<name>`: kept readable after the account is gone. */
  name: string;
  /** The person behind the row (the user, a token's owner, who started a job); operators see these rows. */
  userId: number | null;
};

export type AuditTarget = { type: string; id?: string | number | null; label?: string | null };

export type AuditEntryInput = {
  actor: AuditActor;
  action: string;
  outcome: AuditOutcome;
  target?: AuditTarget | null;
  changes?: AuditChanges | null;
  details?: Prisma.InputJsonObject | null;
  error?: string | null;
  request?: RequestMeta | null;
  taskId?: string | null;
};

/** Anything that can insert a row: the Prisma client or the transaction of the change recorded. */
export type AuditClient = Pick<Prisma.TransactionClient, "auditEntry">;

export const AUDIT_BOUNDS = { name: 100, action: 100, label: 300, error: 1000, userAgent: 300 } as const;

export const bounded = (text: string | null | undefined, max: number): string | null =>
  text == null ? null : text.length > max ? `${text.slice(0, max - 1)}…` : text;

export function auditActor(actor: Actor): AuditActor {
  return actor.kind === "user"
    ? { kind: "user", id: actor.id, name: actor.login, userId: actor.id }
    : { kind: "token", id: actor.id, name: `token:${actor.name}`, userId: actor.ownerId ?? null };
}

/** Inserts one row; returns its id. */
export async function writeAuditEntry(client: AuditClient, e: AuditEntryInput): Promise<number> {
  const row = await client.auditEntry.create({
    data: {
      createdAt: new Date(), // the app's clock, as every time column (docs/architecture.md, "Times")
      actorKind: e.actor.kind,
      actorId: e.actor.id,
      actorName: bounded(e.actor.name, AUDIT_BOUNDS.name)!,
      userId: e.actor.userId,
      action: bounded(e.action, AUDIT_BOUNDS.action)!,
      targetType: e.target?.type ?? null,
      targetId: e.target?.id == null ? null : String(e.target.id),
      targetLabel: bounded(e.target?.label, AUDIT_BOUNDS.label),
      changes: e.changes ?? undefined,
      details: e.details ?? undefined,
      outcome: e.outcome,
      error: bounded(e.error == null ? null : redact(e.error), AUDIT_BOUNDS.error),
      clientAddress: e.request?.clientAddress ?? null,
      userAgent: bounded(e.request?.userAgent, AUDIT_BOUNDS.userAgent),
      requestId: e.request?.requestId ?? null,
      taskId: e.taskId ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

/** For rows written on their own (a refusal, a login): the process's client. */
export const auditDb = (): AuditClient => db();
