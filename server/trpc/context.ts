// The tRPC context: who is calling. Tests build it with createContextInner and a chosen actor.
import type { Actor } from "../auth/actor";
import { requestActor } from "../auth/session";

export type Context = { actor: Actor | null };

export const createContextInner = (actor: Actor | null): Context => ({ actor });

/** For the HTTP endpoint: bearer token or session cookie. */
export async function createRequestContext(req: Request): Promise<Context> {
  return createContextInner(await requestActor(req.headers));
}
