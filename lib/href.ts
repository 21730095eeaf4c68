// Links that carry a list's state in the URL, leaving out empty values.
export type QueryValues = Record<string, string | number | boolean | null | undefined>;

export function hrefWith(basePath: string, params: QueryValues): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "" && value !== false) query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${basePath}?${text}` : basePath;
}
