// Bounds on open live streams (docs/api.md, "Subscriptions"): each holds a connection, hub
// listeners and, for a followed task, reads on every log flush, so one caller opening hundreds
// must not starve the pool. Counted per process (a replica's streams are its own) on globalThis
// (Next bundles modules separately); an API token counts for its owner, so more tokens do not
// buy more streams.
import type { Actor } from "../auth/actor";
import { config } from "../config";
import { AppError } from "../errors";

/** Which bound refused a stream: LIVE_MAX_STREAMS_PER_ACTOR or LIVE_MAX_STREAMS. */
export const STREAM_LIMITS = ["per_actor", "per_process"] as const;
export type StreamLimit = (typeof STREAM_LIMITS)[number];

type Counts = { total: number; byActor: Map<string, number>; refused: Record<StreamLimit, number> };
const globalForLimits = globalThis as unknown as { acLiveStreams?: Counts };
const counts = (): Counts =>
  (globalForLimits.acLiveStreams ??= { total: 0, byActor: new Map(), refused: { per_actor: 0, per_process: 0 } });

const actorKey = (actor: Actor) =>
  actor.kind === "token" && actor.ownerId != null ? `user:${actor.ownerId}` : `${actor.kind}:${actor.id}`;

/** Takes a stream slot for `actor` or throws TOO_MANY_REQUESTS; the returned function gives it back (once). */
export function takeStreamSlot(actor: Actor): () => void {
  const { LIVE_MAX_STREAMS_PER_ACTOR: perActor, LIVE_MAX_STREAMS: perProcess } = config();
  const c = counts();
  const key = actorKey(actor);
  const mine = c.byActor.get(key) ?? 0;
  if (mine >= perActor) {
    c.refused.per_actor++;
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `You have ${mine} live streams open (the limit is ${perActor}): close some tabs or followed tasks`,
    );
  }
  if (c.total >= perProcess) {
    c.refused.per_process++;
    throw new AppError("TOO_MANY_REQUESTS", `This AC process has ${c.total} live streams open: try again later`);
  }
  c.byActor.set(key, mine + 1);
  c.total++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    c.total--;
    const left = (c.byActor.get(key) ?? 1) - 1;
    if (left > 0) c.byActor.set(key, left);
    else c.byActor.delete(key);
  };
}

/** Open streams in this process (/api/metrics: ac_live_streams). */
export const openStreams = (): number => counts().total;

/** Streams this process refused since it started, by the bound that refused them (ac_live_streams_refused_total). */
export const refusedStreams = (): Readonly<Record<StreamLimit, number>> => counts().refused;
