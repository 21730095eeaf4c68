// Refused calls are audited, but a caller without the role must not be able to grow the log
// without bound, nor hide a refusal behind harmless ones: per caller, at most
// REFUSAL_AUDIT.rowsPerWindow refused rows per action and REFUSAL_AUDIT.rowsPerCallerWindow in all
// per window; the rest are only counted in the server log (docs/audit.md, "Refused calls").
import { db, type Prisma } from "../db";
import { writeAuditEntry, type AuditEntryInput } from "./entry";

export const REFUSAL_AUDIT = { rowsPerWindow: 10, rowsPerCallerWindow: 100, windowMs: 10 * 60_000 };
// Key space of the advisory lock that serialises one caller's refusals across AC processes.
const REFUSAL_LOCK = 0x4a7c;

/** A set of rows (`same`) of which at most `rows` may be written per window. */
type Cap = { same: Prisma.AuditEntryWhereInput; rows: number };

/** Writes the refused row unless the caller used up the window; returns whether it was written. */
export function recordRefusal(entry: AuditEntryInput & { outcome: "refused" }): Promise<boolean> {
  const caller = { actorName: entry.actor.name, outcome: "refused" } as const;
  return recordCapped(entry, entry.actor.name, [
    { same: { ...caller, action: entry.action }, rows: REFUSAL_AUDIT.rowsPerWindow },
    { same: caller, rows: REFUSAL_AUDIT.rowsPerCallerWindow },
  ]);
}

/**
 * Writes the row unless a cap's set already has its rows in the window; `key` names the caller for
 * the lock. For rows anyone can cause without limit (a refused caller, an anonymous login past its
 * limits); returns whether it was written.
 */
export async function recordCapped(entry: AuditEntryInput, key: string, caps: Cap[]): Promise<boolean> {
  return db().$transaction(async (tx) => {
    // The counts below are exact only while no other row of this caller is being written.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${REFUSAL_LOCK}::int, hashtext(${key}))`;
    const since = new Date(Date.now() - REFUSAL_AUDIT.windowMs);
    let full = false;
    for (const { same, rows } of caps)
      full ||= (await tx.auditEntry.count({ where: { AND: [same, { createdAt: { gte: since } }] } })) >= rows;
    if (full) {
      console.warn(
        `[ac] audit: ${entry.actor.name}: ${entry.action} ${entry.outcome} again; not written (over the limit)`,
      );
      return false;
    }
    await writeAuditEntry(tx, entry);
    return true;
  });
}
