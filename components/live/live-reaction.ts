// What a page does with each event of its live.changes stream (use-live-refresh.ts). Pure, so
// tests/unit/live-reaction.test.ts pins it.
import type { PageChange } from "@/server/live/page-changes";

/**
 * A reconnect or resync reaches every open tab at once (a replica shut down, the hub's listener
 * reconnected): each reloads at a random moment within this spread instead of all together.
 */
export const CATCH_UP_SPREAD_MS = 5_000;

export type LiveReaction = { kind: "none" } | { kind: "reload" } | { kind: "catch-up"; delayMs: number };

/** The first event of each connection says "connected" (server/live/page-changes.ts). */
export const isConnected = (change: PageChange) => change.kinds.length === 0 && !change.resync;

/** When a catch-up reload happens, for `random` in [0, 1) (Math.random()): somewhere within the spread. */
export const catchUpDelay = (random: number) => Math.floor(random * CATCH_UP_SPREAD_MS);

/**
 * A change reloads at once. A reconnect (a "connected" after an earlier one: notices may have been
 * lost meanwhile) or a resync catches up after catchUpDelay. The first connection of a freshly
 * rendered page does nothing.
 */
export function liveReaction(change: PageChange, connectedBefore: boolean, random: number): LiveReaction {
  if (change.resync || (isConnected(change) && connectedBefore))
    return { kind: "catch-up", delayMs: catchUpDelay(random) };
  return isConnected(change) ? { kind: "none" } : { kind: "reload" };
}
