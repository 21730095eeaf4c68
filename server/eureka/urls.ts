// Which Eureka servers AC may call, and how their URLs are built (docs/update-tasks.md, "Eureka").
// The URL an agent reports (eureka_url) is hostile input: it only *selects* one of the servers
// admins configured in AC_EUREKA_URLS, by exact origin and base path after URL parsing; requests
// always go to the configured URL, never to the agent's text. App and instance ids travel as one
// escaped path segment each. Pure: config.ts parses AC_EUREKA_URLS with it.
import { z } from "zod";
import { redactUrlCredentials } from "../security/redact-url";

/** A configured Eureka server: `url` is its base (origin + path, no trailing slash), e.g. http://eureka:8761/eureka. */
export type EurekaBase = { url: string; origin: string; path: string };

/** Bounds on what an agent may report: Spring's defaultZone may list several servers, comma-separated. */
const MAX_REPORTED_CHARS = 4096;
const MAX_REPORTED_URLS = 8;
const MAX_BASES = 20;

const trimSlashes = (path: string) => path.replace(/\/+$/, "");

function parseHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

/** AC_EUREKA_URLS: comma-separated http(s) base URLs; throws with a message naming the bad entry. */
export function parseEurekaBases(value: string): EurekaBase[] {
  const entries = value
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length > MAX_BASES) throw new Error(`at most ${MAX_BASES} Eureka servers`);
  return entries.map((entry) => {
    const url = parseHttpUrl(entry);
    if (!url) throw new Error(`${JSON.stringify(redactUrlCredentials(entry))} is not an http:// or https:// URL`);
    if (url.username || url.password)
      throw new Error(`${url.host}: put credentials in AC_EUREKA_USERNAME / AC_EUREKA_PASSWORD, not in the URL`);
    if (url.search || url.hash) throw new Error(`${entry}: a base URL has no query or fragment`);
    const path = trimSlashes(url.pathname);
    return { url: url.origin + path, origin: url.origin, path };
  });
}

export type BaseChoice = { ok: true; base: EurekaBase } | { ok: false; reason: string };

/**
 * The configured server an instance's reported eureka_url names: same scheme, host and port, and
 * the same base path (trailing slashes aside). Userinfo in the report is ignored (never sent).
 */
export function chooseBase(reported: string | null, bases: EurekaBase[]): BaseChoice {
  if (!reported?.trim()) return { ok: false, reason: "reports no eureka_url" };
  if (reported.length > MAX_REPORTED_CHARS)
    return { ok: false, reason: `eureka_url too long (${reported.length} characters)` };
  const candidates = reported
    .split(",")
    .slice(0, MAX_REPORTED_URLS)
    .map((candidate) => parseHttpUrl(candidate.trim()));
  const shown = shownReport(candidates);
  if (bases.length === 0) return { ok: false, reason: `eureka_url ${shown} is not in AC_EUREKA_URLS (none set)` };
  for (const url of candidates) {
    if (!url) continue;
    const path = trimSlashes(url.pathname);
    const base = bases.find((b) => b.origin === url.origin && b.path === path);
    if (base) return { ok: true, base };
  }
  return { ok: false, reason: `eureka_url ${shown} is not in AC_EUREKA_URLS` };
}

/**
 * A report as task plans show it to viewers: each entry's origin and path only, so no password can
 * appear whatever its length or where a cut falls (agents report `http://user:pass@host/eureka/`).
 */
function shownReport(candidates: (URL | null)[]): string {
  const shown = candidates.map((url) => (url ? url.origin + url.pathname : "(not an http(s) URL)")).join(",");
  return JSON.stringify(shown.length > 200 ? `${shown.slice(0, 200)}…` : shown);
}

// Eureka app names and instance ids as AC sends them: letters, digits and . _ : @ - (Spring's
// "host:app:port" ids included), never a dot segment, bounded.
const ID = /^[\p{L}\p{N}._:@-]+$/u;
const MAX_ID = 256;

/** A checked id as one path segment, or null when it cannot be one. */
export function idSegment(value: string): string | null {
  if (!value || value.length > MAX_ID || !ID.test(value) || value === "." || value === "..") return null;
  return encodeURIComponent(value);
}

/**
 * A group's own Eureka app name (its apps' spring.application.name, when it is not the group's
 * name): Latin letters, digits, '-', '_' and '.', as Spring service ids are, bounded like the column.
 */
export const EUREKA_APP_NAME_MAX = 100;
export const eurekaAppNameSchema = z
  .string()
  .max(EUREKA_APP_NAME_MAX, `at most ${EUREKA_APP_NAME_MAX} characters`)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    "Latin letters, digits, '-', '_' and '.' only, starting with a letter or digit (as in spring.application.name)",
  );

/**
 * The app name AC looks an instance up by: its group's Eureka app name when set, else the group's
 * name; upper-cased, as Eureka stores (and looks up) app names.
 */
export const eurekaAppName = (group: { name: string; eurekaAppName: string | null }) =>
  (group.eurekaAppName || group.name).toUpperCase();

/** `<base>/apps/<APP>[/<id>][/status?value=…]` with every id escaped; throws on an id that cannot be sent. */
export function eurekaUrl(base: EurekaBase, app: string, instanceId?: string, status?: string): string {
  const appSegment = idSegment(app);
  if (appSegment === null) throw new Error(`${JSON.stringify(app.slice(0, 100))} cannot be a Eureka app name`);
  let url = `${base.url}/apps/${appSegment}`;
  if (instanceId !== undefined) {
    const idPart = idSegment(instanceId);
    if (idPart === null) throw new Error(`${JSON.stringify(instanceId.slice(0, 100))} cannot be a Eureka instance id`);
    url += `/${idPart}`;
  }
  if (status !== undefined) url += `/status?value=${encodeURIComponent(status)}`;
  return url;
}
