// The Audit page's CSV export, a row at a time. Every cell is quoted; a cell a spreadsheet would
// read as a formula (= + - @, or a tab / carriage return before one) gets a leading ' (OWASP,
// "CSV Injection"), since actor names, labels and errors come from outside.
import type { AuditRow } from "./queries";

/** The most rows one export writes: a bigger one needs narrower filters (a time range). */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;

export const CSV_COLUMNS = [
  "id",
  "time_utc",
  "actor_kind",
  "actor",
  "action",
  "target_type",
  "target_id",
  "target",
  "outcome",
  "error",
  "changes",
  "details",
  "client_address",
  "user_agent",
  "request_id",
  "task_id",
] as const;

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(",")}\r\n`;

export function auditCsvLine(r: AuditRow): string {
  return csvLine([
    r.id,
    r.createdAt.toISOString(),
    r.actorKind,
    r.actorName,
    r.action,
    r.targetType,
    r.targetId,
    r.targetLabel,
    r.outcome,
    r.error,
    r.changes,
    r.details,
    r.clientAddress,
    r.userAgent,
    r.requestId,
    r.taskId,
  ]);
}
