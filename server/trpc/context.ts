// The tRPC context: who is calling, and from where (client address, user agent, request id: what
// an audit row records, docs/audit.md). Tests build it with createContextInner and a chosen actor.
import type { Actor } from "../auth/actor";
import { requestActor } from "../auth/session";
import { internalRequest, requestMeta, type RequestMeta } from "../audit/request-meta";

/**
 * `reauthenticate` reads the caller's credentials again (the same request's headers): a long-lived
 * subscription asks it every few minutes, so a revoked token or ended session ends its stream.
 */
export type Context = { actor: Actor | null; request: RequestMeta; reauthenticate?: () => Promise<Actor | null> };

export const createContextInner = (
  actor: Actor | null,
  request: RequestMeta = internalRequest(),
  reauthenticate?: () => Promise<Actor | null>,
): Context => ({ actor, request, ...(reauthenticate ? { reauthenticate } : {}) });

/** For the HTTP endpoint: bearer token or session cookie. */
export async function createRequestContext(req: Request): Promise<Context> {
  const request = requestMeta(req.headers);
  return createContextInner(await requestActor(req.headers, request), request, () =>
    requestActor(req.headers, request),
  );
}
