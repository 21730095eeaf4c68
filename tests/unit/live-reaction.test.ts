// What a live page does with each event of its stream (components/live/live-reaction.ts, used by
// use-live-refresh.ts; docs/architecture.md, "Change feed"): a change reloads at once, a reconnect
// or a resync at a random moment within CATCH_UP_SPREAD_MS, so tabs do not all reload together.
import { describe, expect, it } from "vitest";
import { CATCH_UP_SPREAD_MS, catchUpDelay, liveReaction } from "@/components/live/live-reaction";
import type { PageChange } from "@/server/live/page-changes";

const connected: PageChange = { kinds: [], resync: false };
const resync: PageChange = { kinds: [], resync: true };

describe("a live page's reaction to its stream", () => {
  it("does nothing on its first connection, and reloads at once on a change", () => {
    expect(liveReaction(connected, false, 0.5)).toEqual({ kind: "none" });
    expect(liveReaction({ kinds: ["inventory"], resync: false }, true, 0.5)).toEqual({ kind: "reload" });
  });

  it("catches up after a reconnect or a resync at the moment the random number picks within the spread, not at once", () => {
    const cases: [PageChange, boolean][] = [
      [connected, true], // a reconnect
      [resync, true],
      [resync, false],
      [{ kinds: ["haproxy"], resync: true }, true],
    ];
    for (const [change, before] of cases) {
      expect(liveReaction(change, before, 0.5)).toEqual({ kind: "catch-up", delayMs: CATCH_UP_SPREAD_MS / 2 });
      expect(liveReaction(change, before, 0.9)).toEqual({ kind: "catch-up", delayMs: 4_500 });
    }
  });

  it("spreads catch-ups over [0, CATCH_UP_SPREAD_MS): every random number lands inside, different ones apart", () => {
    expect(catchUpDelay(0)).toBe(0);
    expect(catchUpDelay(0.999_999)).toBeLessThan(CATCH_UP_SPREAD_MS);
    const delays = Array.from({ length: 100 }, (_, i) => catchUpDelay(i / 100));
    expect(new Set(delays).size).toBe(100);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(CATCH_UP_SPREAD_MS * 0.9);
    expect(CATCH_UP_SPREAD_MS).toBe(5_000); // docs/architecture.md says 5 s
  });
});
