// The audit row of a CSV export (docs/audit.md, "Export"): a copy of the log leaving AC is a
// change of who knows what, so it is recorded like a mutation, with the filter it used. A refused
// export is recorded like a refused call (capped per caller, server/audit/refusals.ts).
import type { Actor } from "../auth/actor";
import type { Prisma } from "../db";
import { AUDIT_EXPORT_MAX_ROWS } from "./csv";
import { auditActor, auditDb, writeAuditEntry } from "./entry";
import { recordRefusal } from "./refusals";
import { requestMeta } from "./request-meta";

export async function auditExport(actor: Actor, filter: Record<string, unknown>, headers: Headers): Promise<void> {
  const used = Object.fromEntries(
    Object.entries(filter).filter(([, value]) => value !== undefined && value !== null),
  ) as Prisma.InputJsonObject;
  await writeAuditEntry(auditDb(), {
    actor: auditActor(actor),
    action: "audit.export",
    outcome: "success",
    target: null,
    details: { filter: used, rowLimit: AUDIT_EXPORT_MAX_ROWS },
    request: requestMeta(headers),
  });
}

/** An export refused to a known caller (role too low, or a filter it may not use). */
export async function auditExportRefused(actor: Actor, reason: string, headers: Headers): Promise<void> {
  await recordRefusal({
    actor: auditActor(actor),
    action: "audit.export",
    outcome: "refused",
    error: reason,
    target: null,
    request: requestMeta(headers),
  });
}
