// The audit row of a CSV export (docs/audit.md, "Export"): a copy of the log leaving AC is a
// change of who knows what, so it is recorded like a mutation, with the filter it used.
import type { Actor } from "../auth/actor";
import type { Prisma } from "../db";
import { AUDIT_EXPORT_MAX_ROWS } from "./csv";
import { auditActor, auditDb, writeAuditEntry } from "./entry";
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
