// Secrets out of text that viewers read: task logs (a playbook's output), task errors, and what
// the API returns from them. One helper, used where that text is written (server/tasks/log.ts,
// server/tasks/runner.ts). It removes AC's own secrets by value and anything shaped like a
// credential: URL user:password, AC API tokens, Authorization values, `password=…`-style pairs.
// It cannot know every secret format; keeping secrets out of the playbook's environment
// (server/tasks/playbook-env.ts) is the first defence, this is the second.
import { config } from "../config";

export const REDACTED = "[redacted]";

// Every quantifier is bounded: playbook output and agent strings reach these patterns, and an
// unbounded `[\w.-]*` around the keywords backtracked for minutes on "-password" × 10,000
// (the whole server waits while a regex runs). docs/security.md, "Playbooks".
const RULES: [RegExp, string][] = [
  // scheme://user:password@host → scheme://user:[redacted]@host
  [/\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/?#@"'<>]{0,256}):[^\s/?#@"'<>]{0,256}@/gi, `$1:${REDACTED}@`],
  // scheme://<long token>@host (a token as the user name, as in https://ghp_…@github.com)
  [/\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s:/?#@"'<>]{20,256}@/gi, `$1${REDACTED}@`],
  // AC API tokens: ac_ and 32 base64url characters (server/users/api-tokens.ts)
  [/(?<![A-Za-z0-9_])ac_(?=[A-Za-z0-9_-]*[A-Z0-9])[A-Za-z0-9_-]{32,}/g, `ac_${REDACTED}`],
  // Authorization: Bearer …, Basic …
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  // password=…, "api_key": "…", AUTH_SECRET=…, token: … (the value, up to a quote, space or separator);
  // a colon needs a space after it, as in YAML and JSON, so "token:deployer" (an actor's name) stays
  [
    /\b([\w.-]{0,64}?(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[\w.-]{0,64}["']?[ \t]{0,64}(?:=[ \t]{0,64}|:[ \t]{1,64}))(?!\[redacted\])("[^"\n]{0,4096}"|'[^'\n]{0,4096}'|[^\s,;&"'}\]]{1,4096})/gi,
    `$1${REDACTED}`,
  ],
];

/** AC's own secrets, as values: these are redacted wherever they appear, whatever surrounds them. */
export function knownSecrets(): string[] {
  const c = config();
  const values = [c.AUTH_SECRET, c.AC_ADMIN_PASSWORD, c.AC_EUREKA_PASSWORD];
  if (c.DATABASE_URL) {
    const password = URL.canParse(c.DATABASE_URL) ? new URL(c.DATABASE_URL).password : "";
    if (password) values.push(password, safeDecode(password));
  }
  // A short value ("admin") would blank out ordinary words; the patterns still cover its usual shapes.
  return [...new Set(values.filter((v): v is string => !!v && v.length >= 8))];
}

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

export function redact(text: string, secrets: string[] = knownSecrets()): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
