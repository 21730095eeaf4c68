// Artifact URLs are admins' settings that may carry a repository's credentials
// (`https://deploy:pw@nexus/…`, `https://<token>@host/…`, `…?private_token=…`), and they travel
// to readers in many shapes: a group's or catalog entry's settings, an instance's effective
// settings, every instance of a task's plan. Admins, who set them and edit them in forms, read
// them as stored; any other caller reads them starred (docs/security.md, "Settings that hold
// credentials"). Applied to whole procedure outputs, so a new field holding such a URL is covered.
import type { Actor } from "../auth/actor";
import { can } from "../auth/roles";
import { redactUrlCredentials } from "./redact-url";

/** Query parameters whose value is a credential (GitLab's private_token, S3's X-Amz-Signature, api_key, jwt, pw …). */
const SECRET_PARAM = /token|key|secret|passw|^pw$|pwd|signature|sig$|auth|credential|jwt|session/i;
const STARS = "***";
/** Values starred before (here, by redactUrlCredentials or by redact.ts as `[redacted]`): left as they are. */
const STARRED = new Set([STARS, "[redacted]", "%5Bredacted%5D"]);
/**
 * An http(s) URL inside a text: up to whitespace or a quote (artifact URLs are http(s) only,
 * settings-edits.ts). The user info may hold quotes and <> (the URL parser accepts them there,
 * so a saved password can): cut at its first quote, the rest of the password would pass unseen.
 */
const HTTP_URL = /\bhttps?:\/\/(?:[^\s/?#@]{1,512}@)?[^\s"'<>]{1,2048}/gi;

function starUrl(raw: string): string {
  if (!URL.canParse(raw)) return redactUrlCredentials(raw); // still no user:password through
  const url = new URL(raw);
  const password = url.password !== "" && !STARRED.has(url.password);
  // A user name alone is often the token itself (https://<token>@github.com/…); beside a password it stays.
  const loneUser = url.password === "" && url.username !== "" && !STARRED.has(url.username);
  const params = [...url.searchParams].filter(([name, value]) => SECRET_PARAM.test(name) && !STARRED.has(value));
  if (!password && !loneUser && params.length === 0) return raw; // kept exactly as written
  if (password) url.password = STARS;
  if (loneUser) url.username = STARS;
  for (const [name] of params) url.searchParams.set(name, STARS);
  return url.href;
}

/** A text as a reader without settings.manage sees it: in every http(s) URL in it, credentials and secret-named query values starred. */
export const starUrlSecrets = (text: string): string => (text.includes("://") ? text.replace(HTTP_URL, starUrl) : text);

/** Every string of a JSON-like value (plain objects and arrays; Dates and the like untouched) through starUrlSecrets. */
export function starUrlSecretsDeep<T>(value: T): T {
  if (typeof value === "string") return starUrlSecrets(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => starUrlSecretsDeep(item)) as T;
  if (value !== null && typeof value === "object") {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, starUrlSecretsDeep(item)])) as T;
  }
  return value;
}

/** What `actor` reads of a value that may hold artifact URLs: as stored for admins, starred for anyone else. */
export const withUrlSecretsFor = <T>(actor: Actor, value: T): T =>
  can(actor.role, "settings.manage") ? value : starUrlSecretsDeep(value);
