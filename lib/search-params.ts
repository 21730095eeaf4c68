// Reading list pages' URL parameters (always strings, maybe missing, maybe garbage).
export type SearchParams = Record<string, string | string[] | undefined>;

export const param = (params: SearchParams, key: string): string | undefined => {
  const value = params[key];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() ? first.trim() : undefined;
};

export const pageParam = (params: SearchParams): number => {
  const page = Number(param(params, "page"));
  return Number.isInteger(page) && page > 0 ? page : 1;
};
