// Artifact URLs are admins' settings that may carry a repository's credentials
// (`https://deploy:pw@nexus/…`, `https://<token>@host/…`, `…?private_token=…`), and they travel
// to readers in many shapes: a group's or catalog entry's settings, an instance's effective
// settings, every instance of a task's plan. Admins, who set them and edit them in forms, read
// them as stored; any other caller reads them starred (docs/security.md, "Settings that hold
// credentials"). Applied to whole procedure outputs, so a new field holding such a URL is covered.
import type { Actor } from "../auth/actor";
import { can } from "../auth/roles";
import { redactUrlCredentials } from "./redact-url";

/** Query parameters whose value is a credential (GitLab's private_token, S3's X-Amz-Signature, api_key …). */
const SECRET_PARAM = /token|key|secret|passw|signature|sig$|auth|credential/i;
const STARS = "***";

/** One text as a reader without settings.manage sees it: URL credentials and secret-named query values starred. */
export function starUrlSecrets(text: string): string {
  // Only a whole URL is parsed (the parser would drop a newline inside, e.g. of a log chunk).
  if (!/^https?:\/\/\S+$/i.test(text) || !URL.canParse(text)) return redactUrlCredentials(text);
  const url = new URL(text);
  const secretParams = [...url.searchParams.keys()].filter((name) => SECRET_PARAM.test(name));
  if (!url.username && !url.password && secretParams.length === 0) return text; // kept exactly as written
  // A password is starred, its user name kept (as redactUrlCredentials does); a user name alone is
  // often the token itself (https://<token>@github.com/…).
  if (url.password) url.password = STARS;
  else if (url.username) url.username = STARS;
  for (const name of secretParams) url.searchParams.set(name, STARS);
  return url.href;
}

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
