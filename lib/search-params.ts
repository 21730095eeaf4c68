// Reading list pages' URL parameters (always strings, maybe missing, maybe garbage).
export type SearchParams = Record<string, string | string[] | undefined>;

/** Control characters never belong in a filter; PostgreSQL refuses a NUL in text outright (a 500). */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

export const param = (params: SearchParams, key: string): string | undefined => {
  const value = params[key];
  const first = (Array.isArray(value) ? value[0] : value)?.replace(CONTROL_CHARS, "").trim();
  return first ? first : undefined;
};

/** Beyond any list's real length, and what the alerts' procedures accept; a larger page read as the last allowed. */
export const MAX_PAGE = 10_000;

export const pageParam = (params: SearchParams): number => {
  const page = Number(param(params, "page"));
  return Number.isInteger(page) && page > 0 ? Math.min(page, MAX_PAGE) : 1;
};
