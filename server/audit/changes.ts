// before → after of the fields a change touched, for an audit row. Secrets (passwords, token
// secrets, agent tokens) never reach the row: a secret field shows only that it was set or
// changed. Other text goes through the redactor (server/security/redact.ts) and is bounded, since
// a playbook path or an artifact URL may carry credentials.
import { REDACTED, redact } from "../security/redact";

export type AuditValue = string | number | boolean | null | AuditValue[];
export type AuditChanges = Record<string, { from: AuditValue; to: AuditValue }>;

const MAX_TEXT = 500;
const MAX_ITEMS = 50;

function value(v: unknown): AuditValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.slice(0, MAX_ITEMS).map(value);
  const text = redact(typeof v === "string" ? v : JSON.stringify(v));
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

const secretValue = (v: unknown): AuditValue => (v === null || v === undefined || v === "" ? null : REDACTED);

/**
 * The fields of `after` whose value differs from `before` (a field absent from `after` is not
 * looked at). `secret` names fields shown only as "[redacted]" / null. `before` null: created;
 * pass `after` null for a deletion (every field of `before`, to null).
 */
export function changesOf(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  options: { secret?: readonly string[]; ignore?: readonly string[] } = {},
): AuditChanges {
  const secret = new Set(options.secret ?? []);
  const ignore = new Set(options.ignore ?? ["id", "createdAt", "updatedAt"]);
  const fields = Object.keys(after ?? before ?? {}).filter((f) => !ignore.has(f));
  const out: AuditChanges = {};
  for (const field of fields) {
    const from = before?.[field];
    const to = after ? after[field] : null;
    const show = secret.has(field) ? secretValue : value;
    if (secret.has(field) ? from === to : JSON.stringify(value(from)) === JSON.stringify(value(to))) continue;
    out[field] = { from: show(from), to: show(to) };
  }
  return out;
}

/** A secret that was set (a new password): its value never appears. */
export const secretSet = (field: string): AuditChanges => ({ [field]: { from: REDACTED, to: REDACTED } });
