// Live pages (docs/architecture.md, "Change feed"; docs/api.md, "Subscriptions"): what changed,
// for the kinds a page shows. Server-sent events through httpSubscriptionLink; each kind needs the
// role that may read it.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { liveKinds, type LiveKind } from "../../lib/live-kinds";
import { can, permissions, type Action } from "../auth/roles";
import { pageChanges } from "../live/page-changes";
import { authorized, router } from "../trpc/init";
import { accessRecheck, liveStream, streamSignal } from "../trpc/subscription";

const readAction: Record<LiveKind, Action> = {
  inventory: "inventory.read",
  haproxy: "haproxy.read",
  tasks: "tasks.read",
  alerts: "alerts.read",
};

const changesInput = z.object({
  kinds: z
    .array(z.enum(liveKinds))
    .min(1, "name at least one kind")
    .max(liveKinds.length)
    .transform((kinds) => [...new Set(kinds)]),
});

export const liveRouter = router({
  /** First event: connected (`kinds` empty); then which kinds changed, at most one event per 2 s. */
  changes: authorized("inventory.read")
    .input(changesInput)
    .subscription(async function* ({ input, ctx, signal }) {
      const actions = [...new Set(input.kinds.map((kind) => readAction[kind]))];
      const denied = actions.find((action) => !can(ctx.actor.role, action));
      if (denied) throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${permissions[denied]} role` });
      yield* liveStream(ctx.actor, () => pageChanges(input.kinds, streamSignal(signal), accessRecheck(ctx, actions)));
    }),
});
