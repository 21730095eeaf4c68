// What every subscription shares: its reader's access is re-read every LIVE_RECHECK_SECONDS from
// the same request's credentials, so a stream open for a day ends when its session ends, its
// token is revoked or its role no longer allows what it follows (docs/api.md, "Subscriptions").
import { TRPCError } from "@trpc/server";
import { can, permissions, type Action } from "../auth/roles";
import { config } from "../config";
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
