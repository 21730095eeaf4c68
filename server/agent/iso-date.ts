// Agents' start times (docs/agent-contract.md), read by the contract's schema and its fast path.
// ISO-8601 date-time; without an offset it is taken as UTC (agents report UTC), sub-millisecond
// digits (Docker sends nanoseconds) are dropped. Anything else is a type error, not a null.
// Only years 0001–9999 (in UTC) are taken: PostgreSQL refuses year 0 and 5-digit years as written
// (SQLSTATE 22008), and one such date would fail the server's every store (docs/agent-contract.md).
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
export function parseIsoDateTime(value: string): Date | null {
  const date = readIsoDateTime(value);
  return date && isStorableDate(date) ? date : null;
}

/** True for dates PostgreSQL stores: years 0001 to 9999 in UTC. */
export function isStorableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999;
}

/** The ISO-8601 reading alone, without the storable-range check. */
export function readIsoDateTime(value: string): Date | null {
  const m = ISO.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "00", frac = "", zone = "Z"] = m;
  const daysInMonth = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > daysInMonth) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const offset = zone.toUpperCase() === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}
