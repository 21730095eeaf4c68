// What every subscription shares: its reader's access is re-read every LIVE_RECHECK_SECONDS from
// the same request's credentials, so a stream open for a day ends when its session ends, its
// token is revoked or its role no longer allows what it follows (docs/api.md, "Subscriptions").
import { TRPCError } from "@trpc/server";
import type { Actor } from "../auth/actor";
import { can, permissions, type Action } from "../auth/roles";
import { config } from "../config";
import { AppError } from "../errors";
import { takeStreamSlot } from "../live/stream-limits";
import type { Context } from "./context";

export function accessRecheck(ctx: Context, actions: Action[]): () => Promise<void> {
  const every = config().LIVE_RECHECK_SECONDS * 1000;
  let due = Date.now() + every;
  return async () => {
    if (!ctx.reauthenticate || Date.now() < due) return;
    due = Date.now() + every;
    const actor = await ctx.reauthenticate();
    if (!actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session or token ended: log in again" });
    const denied = actions.find((action) => !can(actor.role, action));
    if (denied)
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs the ${permissions[denied]} role; you are ${actor.role}`,
      });
  };
}

/** The signal tRPC gives a subscription (it is always set over HTTP; a server-side caller may lack one). */
export const streamSignal = (signal: AbortSignal | undefined): AbortSignal => signal ?? new AbortController().signal;

/**
 * A stream's domain errors as TRPCErrors with their code and message (what mapDomainErrors in
 * init.ts does for queries: a subscription's errors surface while it streams, after middleware).
 */
export async function* withDomainErrors<T>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (error) {
    if (error instanceof AppError) throw new TRPCError({ code: error.code, message: error.message, cause: error });
    throw error;
  }
}

/**
 * A stream of `actor`'s, within the limits on open streams (server/live/stream-limits.ts: past
 * them, TOO_MANY_REQUESTS), its domain errors as TRPCErrors. The slot is given back when it ends.
 */
export function liveStream<T>(actor: Actor, open: () => AsyncIterable<T>): AsyncGenerator<T> {
  return withDomainErrors(
    (async function* () {
      const release = takeStreamSlot(actor);
      try {
        yield* open();
      } finally {
        release();
      }
    })(),
  );
}
