// GET /api/metrics (docs/metrics.md, "Access"): Prometheus's text format for whoever presents
// AC_METRICS_TOKEN as a bearer token. Off (404) until the token is set: the fleet's shape is not
// for anonymous eyes. Scrapes that arrive while one runs share its result, so a burst of them
// costs the database one snapshot.
import { createHash, timingSafeEqual } from "node:crypto";
import { config } from "../config";
import { logUnexpectedError } from "../error-report";
import { readFleetSnapshot } from "./fleet-snapshot";
import { metrics } from "./registry";

const MAX_AUTHORIZATION_LENGTH = 1024;
const digest = (text: string) => createHash("sha256").update(text).digest();

/** Whether the Authorization header carries `token`; compared as digests, in constant time. */
export function bearerMatches(authorization: string | null, token: string): boolean {
  if (!authorization || authorization.length > MAX_AUTHORIZATION_LENGTH) return false;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

let running: Promise<string> | null = null;

/** One scrape: the snapshot, then the registry's text; joins the scrape already running. */
export function scrape(): Promise<string> {
  running ??= (async () => {
    const { registry } = metrics();
    try {
      metrics().snapshot = await readFleetSnapshot();
      return await registry.metrics();
    } finally {
      metrics().snapshot = null;
    }
  })().finally(() => (running = null));
  return running;
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(`${body}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers },
  });

export async function metricsResponse(request: Request): Promise<Response> {
  const token = config().AC_METRICS_TOKEN;
  if (!token) return text(404, "Metrics are off: set AC_METRICS_TOKEN to serve /api/metrics (docs/metrics.md).");
  if (!bearerMatches(request.headers.get("authorization"), token)) {
    return text(401, "A bearer token is required: Authorization: Bearer <AC_METRICS_TOKEN>.", {
      "www-authenticate": 'Bearer realm="AC metrics"',
    });
  }
  try {
    const body = await scrape();
    return new Response(body, {
      headers: { "content-type": metrics().registry.contentType, "cache-control": "no-store" },
    });
  } catch (error) {
    const errorId = logUnexpectedError("GET /api/metrics", error);
    return text(503, `Metrics unavailable (error id ${errorId}; the details are in AC's log).`);
  }
}
