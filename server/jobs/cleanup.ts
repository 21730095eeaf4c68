// The cleanup job (docs/operations.md, "Retention"): deletes, for each rule of retention.ts, the
// rows past retention in batches of CLEANUP_BATCH_SIZE. Each batch is one DELETE in its own
// transaction, so no lock is held long; rows another transaction holds are skipped (SKIP LOCKED),
// so a second replica running it at the same time takes other rows instead of waiting. At most
// CLEANUP_MAX_BATCHES per table per run, so a run ends; the next run (every 15 min) takes the rest.
import { config } from "../config";
import { db, Prisma } from "../db";
import { pruneAuditLog } from "../audit/retention";
import { retentionRules, type RetentionRule } from "./retention";

/** How often the job runs: often enough that each run finds a small backlog. */
export const CLEANUP_SCHEDULE = "*/15 * * * *";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type CleanupLimits = { batchSize: number; maxBatches: number };
export type CleanupSummary = {
  /** Rows deleted per table (tables with none are left out). */
  deleted: Record<string, number>;
  /** Tables whose backlog outlasted this run's batches: the next run carries on. */
  unfinished: string[];
};

/** The key column(s) of a rule, quoted: `"id"` or `("series_id", "ts")` for a composite key. */
const keyColumns = (rule: RetentionRule) =>
  typeof rule.key === "string" ? `"${rule.key}"` : `(${rule.key.map((k) => `"${k}"`).join(", ")})`;

/** The keys of one batch: oldest first, skipping rows another transaction holds. */
export function batchKeys(rule: RetentionRule, before: Date, batchSize: number): Prisma.Sql {
  const columns = Prisma.raw(keyColumns(rule).replace(/^\((.*)\)$/, "$1"));
  return Prisma.sql`
    SELECT ${columns} FROM ${Prisma.raw(`"${rule.table}"`)} WHERE ${rule.where(before)}
    ORDER BY ${Prisma.raw(rule.orderBy)} LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
}

function deleteBatch(rule: RetentionRule, before: Date, batchSize: number): Promise<number> {
  const [table, key] = [Prisma.raw(`"${rule.table}"`), Prisma.raw(keyColumns(rule))];
  return db().$executeRaw`DELETE FROM ${table} WHERE ${key} IN (${batchKeys(rule, before, batchSize)})`;
}

/** Prunes one table: batch after batch until one comes back short or the run's share is used. */
export async function pruneTable(rule: RetentionRule, now: Date, limits: CleanupLimits) {
  const kept = rule.setting === null ? 0 : Number(config()[rule.setting]);
  const before = new Date(now.getTime() - kept * (rule.unit === "hours" ? HOUR : DAY));
  const maxBatches = rule.maxBatches ? Number(config()[rule.maxBatches]) : limits.maxBatches;
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await deleteBatch(rule, before, limits.batchSize);
    deleted += count;
    if (count < limits.batchSize) return { deleted, finished: true };
  }
  return { deleted, finished: false };
}

export async function cleanupOldRecords(
  now = new Date(),
  limits: CleanupLimits = { batchSize: config().CLEANUP_BATCH_SIZE, maxBatches: config().CLEANUP_MAX_BATCHES },
  rules: readonly RetentionRule[] = retentionRules,
): Promise<CleanupSummary> {
  const summary: CleanupSummary = { deleted: {}, unfinished: [] };
  for (const rule of rules) {
    const { deleted, finished } = await pruneTable(rule, now, limits);
    if (deleted > 0) summary.deleted[rule.table] = deleted;
    if (!finished) summary.unfinished.push(rule.table);
  }
  // The audit log is append-only: its rows past AC_AUDIT_RETENTION_DAYS go through its own
  // prune function, in the same bounded batches (docs/audit.md, "Retention").
  const audit = await pruneAuditLog(now, limits);
  if (audit.auditRowsDeleted > 0) summary.deleted.audit_log = audit.auditRowsDeleted;
  if (audit.auditRowsDeleted >= limits.batchSize * limits.maxBatches) summary.unfinished.push("audit_log");
  return summary;
}
