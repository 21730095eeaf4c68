// Where to send a user after logging in: a path on this site, never another origin. Browsers read
// `/\evil.example` and `//evil.example` as other hosts, drop tabs and newlines inside URLs, and
// resolve `/..//evil.example` to `//evil.example`, so the check is on the parsed result, not a prefix.
const BASE = "http://ac.invalid";

/** `raw` as a path + query + hash on this origin, or `fallback` when it could lead anywhere else. */
export function sameOriginPath(raw: string | null | undefined, fallback = "/"): string {
  if (typeof raw !== "string" || !raw.startsWith("/") || /[\\\u0000-\u0020\u007f]/.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  const path = url.pathname + url.search + url.hash;
  if (url.origin !== BASE || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}
