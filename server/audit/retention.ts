// Retention of the audit log (docs/audit.md, "Retention"): rows older than
// AC_AUDIT_RETENTION_DAYS go, in bounded batches, through audit_log_prune — the one way the
// table's trigger lets a row be deleted. Run by the cleanup job (server/jobs/cleanup.ts).
import { config } from "../config";
import { db } from "../db";

const DAY = 86_400_000;

/** Deletes expired rows, `batchSize` per statement, at most `maxBatches` statements per run; returns how many. */
export async function pruneAuditLog(
  now = new Date(),
  { batchSize = 5_000, maxBatches = 200 }: { batchSize?: number; maxBatches?: number } = {},
): Promise<{ auditRowsDeleted: number }> {
  const cutoff = new Date(now.getTime() - config().AC_AUDIT_RETENTION_DAYS * DAY);
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const [row] = await db().$queryRaw<[{ deleted: number }]>`
      SELECT audit_log_prune(${cutoff}::timestamp(3), ${batchSize}::int) AS deleted`;
    deleted += row.deleted;
    if (row.deleted < batchSize) break;
  }
  return { auditRowsDeleted: deleted };
}
