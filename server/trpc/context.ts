// The tRPC context: who is calling, and from where (client address, user agent, request id: what
// an audit row records, docs/audit.md). Tests build it with createContextInner and a chosen actor.
import type { Actor } from "../auth/actor";
import { requestActor } from "../auth/session";
import { internalRequest, requestMeta, type RequestMeta } from "../audit/request-meta";

export type Context = { actor: Actor | null; request: RequestMeta };

export const createContextInner = (actor: Actor | null, request: RequestMeta = internalRequest()): Context => ({
  actor,
  request,
});

/** For the HTTP endpoint: bearer token or session cookie. */
export async function createRequestContext(req: Request): Promise<Context> {
  const request = requestMeta(req.headers);
  return createContextInner(await requestActor(req.headers, request), request);
}
