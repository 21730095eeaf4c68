// Refused calls are audited, but a caller without the role must not be able to grow the log
// without bound: per caller, REFUSAL_AUDIT.rowsPerWindow refused rows per window; the rest of the
// window's refusals are only counted in the server log (docs/audit.md, "Refused calls").
import { db, type Prisma } from "../db";
import { writeAuditEntry, type AuditEntryInput } from "./entry";

export const REFUSAL_AUDIT = { rowsPerWindow: 10, windowMs: 10 * 60_000 };
// Key space of the advisory lock that serialises one caller's refusals across AC processes.
const REFUSAL_LOCK = 0x4a7c;

/** Writes the refused row unless the caller used up the window; returns whether it was written. */
export function recordRefusal(entry: AuditEntryInput & { outcome: "refused" }): Promise<boolean> {
  return recordCapped(entry, entry.actor.name, { actorName: entry.actor.name, outcome: "refused" });
}

/**
 * Writes the row unless REFUSAL_AUDIT.rowsPerWindow rows matching `same` were written in the
 * window; `key` names that set for the lock. For rows anyone can cause without limit (a refused
 * caller, an anonymous login past its limits); returns whether it was written.
 */
export async function recordCapped(
  entry: AuditEntryInput,
  key: string,
  same: Prisma.AuditEntryWhereInput,
): Promise<boolean> {
  return db().$transaction(async (tx) => {
    // The count below is exact only while no other row of this set is being written.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${REFUSAL_LOCK}::int, hashtext(${key}))`;
    const recent = await tx.auditEntry.count({
      where: { AND: [same, { createdAt: { gte: new Date(Date.now() - REFUSAL_AUDIT.windowMs) } }] },
    });
    if (recent >= REFUSAL_AUDIT.rowsPerWindow) {
      console.warn(
        `[ac] audit: ${entry.actor.name}: ${entry.action} ${entry.outcome} again; not written (over the limit)`,
      );
      return false;
    }
    await writeAuditEntry(tx, entry);
    return true;
  });
}
