// Reading the audit log: the Audit page's keyset-paginated list, a target's recent history, and
// the CSV export's rows. Newest first by (created_at, id), the key every index of the table ends
// with, so a filter plus a time range is one index range. No OFFSET and no COUNT over the table:
// each page reads pageSize + 1 rows (docs/audit.md, "Reading").
import { z } from "zod";
import { storedDate } from "../../lib/schemas";
import { can } from "../auth/roles";
import type { Actor } from "../auth/actor";
import { db, type Prisma } from "../db";
import { withUrlSecretsFor } from "../security/reader-urls";
import { AppError } from "../errors";
import { AUDIT_OUTCOMES, AUDIT_TARGET_TYPES } from "../../lib/audit-targets";

const text = z.string().trim().min(1).max(100);

/** `a<ms>_<id>`: the rows after (older than) that key; `b<ms>_<id>`: the rows before (newer than) it. */
export const CURSOR = /^[ab]\d{1,15}_\d{1,10}$/;

type Key = { createdAt: Date; id: number };
const cursorOf = (direction: "a" | "b", key: Key) => `${direction}${key.createdAt.getTime()}_${key.id}`;

/** Rows strictly older (or newer) than `key` in (created_at, id) order, in a form the indexes serve. */
function beyond(key: Key, older: boolean): Prisma.AuditEntryWhereInput {
  const op = older ? "lt" : "gt";
  return {
    AND: [
      { createdAt: older ? { lte: key.createdAt } : { gte: key.createdAt } },
      { OR: [{ createdAt: { [op]: key.createdAt } }, { id: { [op]: key.id } }] },
    ],
  };
}

const newestFirst = [{ createdAt: "desc" }, { id: "desc" }] satisfies Prisma.AuditEntryOrderByWithRelationInput[];

export const auditFilterInput = z.object({
  /** Exact actor name: a login, token:<name> or job:<name>. */
  actor: text.optional(),
  /** An action ("servers.update"), or a prefix ending in "." ("servers."). */
  action: text.optional(),
  targetType: z.enum(AUDIT_TARGET_TYPES).optional(),
  targetId: z
    .string()
    .trim()
    .regex(/^[0-9a-f-]{1,40}$/i, "not an id")
    .optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: storedDate.optional(),
  to: storedDate.optional(),
});

export const auditListInput = auditFilterInput.extend({
  /** nextCursor or prevCursor of a previous page. */
  cursor: z.string().regex(CURSOR, "not a page cursor").optional(),
  pageSize: z.number().int().min(1).max(200).default(50),
});

export type AuditFilter = z.output<typeof auditFilterInput>;

/** Admins read every row; anyone else only the rows that are theirs (their user, their tokens, jobs they started). */
export function auditScope(actor: Actor): Prisma.AuditEntryWhereInput {
  if (can(actor.role, "audit.readAll")) return {};
  const userId = actor.kind === "user" ? actor.id : actor.ownerId;
  if (!userId) throw new AppError("FORBIDDEN", "This token has no owner, so it has no audit rows of its own");
  return { userId };
}

export function auditWhere(filter: AuditFilter, actor: Actor): Prisma.AuditEntryWhereInput {
  const action = filter.action;
  return {
    AND: [
      auditScope(actor),
      filter.actor ? { actorName: filter.actor } : {},
      action ? (action.endsWith(".") ? { action: { startsWith: action } } : { action }) : {},
      filter.targetType ? { targetType: filter.targetType } : {},
      filter.targetId ? { targetId: filter.targetId } : {},
      filter.outcome ? { outcome: filter.outcome } : {},
      filter.from || filter.to ? { createdAt: { gte: filter.from, lte: filter.to } } : {},
    ],
  };
}

export const auditRowSelect = {
  id: true,
  createdAt: true,
  actorKind: true,
  actorName: true,
  action: true,
  targetType: true,
  targetId: true,
  targetLabel: true,
  changes: true,
  details: true,
  outcome: true,
  error: true,
  clientAddress: true,
  userAgent: true,
  requestId: true,
  taskId: true,
} satisfies Prisma.AuditEntrySelect;

export type AuditRow = Prisma.AuditEntryGetPayload<{ select: typeof auditRowSelect }>;

/** One page, newest first; pass nextCursor / prevCursor back with the same filters. */
export async function listAudit(input: z.output<typeof auditListInput>, actor: Actor) {
  const where = auditWhere(input, actor);
  const back = input.cursor?.[0] === "b";
  const at = input.cursor
    ? (([ms, id]) => ({ createdAt: new Date(Number(ms)), id: Number(id) }))(input.cursor.slice(1).split("_"))
    : null;
  const rows = await db().auditEntry.findMany({
    where: at === null ? where : { AND: [where, beyond(at, !back)] },
    orderBy: back ? [{ createdAt: "asc" }, { id: "asc" }] : newestFirst,
    take: input.pageSize + 1,
    select: auditRowSelect,
  });
  const more = rows.length > input.pageSize;
  const items = rows.slice(0, input.pageSize);
  if (back) items.reverse();
  const first = items[0];
  const last = items.at(-1);
  return {
    // An admin's own rows (settings edits' before/after) reach its operator-role tokens too: URLs starred.
    items: withUrlSecretsFor(actor, items),
    // Going back, "more" means there are newer rows; going forward, older ones.
    nextCursor: last && (back || more) ? cursorOf("a", last) : null,
    prevCursor: first && at !== null && (!back || more) ? cursorOf("b", first) : null,
  };
}

/** The few newest rows about one target (a server's, a user's page). */
export async function targetHistory(
  target: { targetType: (typeof AUDIT_TARGET_TYPES)[number]; targetId: string; limit: number },
  actor: Actor,
) {
  const rows = await db().auditEntry.findMany({
    where: { AND: [auditScope(actor), { targetType: target.targetType, targetId: target.targetId }] },
    orderBy: newestFirst,
    take: target.limit,
    select: auditRowSelect,
  });
  return withUrlSecretsFor(actor, rows);
}

/** Rows for the CSV export, newest first, a batch at a time (bounded by the caller). */
export async function* auditRowsForExport(filter: AuditFilter, actor: Actor, maxRows: number, batch = 1000) {
  const where = auditWhere(filter, actor);
  let before: Key | null = null;
  let sent = 0;
  while (sent < maxRows) {
    const take = Math.min(batch, maxRows - sent);
    const rows: AuditRow[] = await db().auditEntry.findMany({
      where: before === null ? where : { AND: [where, beyond(before, true)] },
      orderBy: newestFirst,
      take,
      select: auditRowSelect,
    });
    yield withUrlSecretsFor(actor, rows);
    sent += rows.length;
    if (rows.length < take) return;
    before = rows.at(-1)!;
  }
}
