// Typed readers for list pages' URL parameters; garbage reads as "not set" rather than an error,
// so a hand-edited or old link still opens the list.
import { param, type SearchParams } from "./search-params";

export function idFilter(params: SearchParams, key: string): number | undefined {
  const value = Number(param(params, key));
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export function choice<T extends string>(params: SearchParams, key: string, values: readonly T[]): T | undefined {
  const value = param(params, key);
  return values.find((v) => v === value);
}

/** A `datetime-local` value, read as UTC (the times AC shows are UTC). */
export function utcDateParam(params: SearchParams, key: string): Date | undefined {
  const value = param(params, key);
  if (!value || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(value)) return undefined;
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : `${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * A list's `from` / `to` filter: the dates, the text as typed (the form shows it again), and
 * whether the range is reversed (`to` before `from`; the list then ignores `to`).
 */
export function readDateRange(params: SearchParams) {
  const from = utcDateParam(params, "from");
  const to = utcDateParam(params, "to");
  const reversed = !!(from && to && from > to);
  return {
    from,
    to: reversed ? undefined : to,
    fromText: param(params, "from"),
    toText: param(params, "to"),
    reversed,
  };
}
