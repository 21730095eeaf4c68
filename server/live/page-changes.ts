// What an open page follows (docs/architecture.md, "Change feed"): one subscription per page for
// all the kinds it shows, so a tab holds one connection. It says which kinds changed, at most once
// per MIN_GAP_MS (a poll cycle's chunks arrive in a burst), and `resync` when notices may have
// been lost (the listener reconnected): the page then reloads everything it shows.
import type { LiveKind } from "../../lib/live-kinds";
import { Inbox } from "./inbox";
import { RESYNC } from "./hub";

const MIN_GAP_MS = 2_000;
/** How often a quiet stream wakes to re-check its reader's access (`check`). */
export const WAKE_MS = 60_000;

export type PageChange = { kinds: LiveKind[]; resync: boolean };

export async function* pageChanges(
  kinds: LiveKind[],
  signal: AbortSignal,
  check: () => Promise<void>,
): AsyncGenerator<PageChange> {
  const inbox = new Inbox(kinds, signal);
  try {
    // The first event says "connected": a page that reconnects after a break reloads (it may have
    // missed notices meanwhile), the first connection of a freshly rendered page does not.
    yield { kinds: [], resync: false };
    while (!signal.aborted) {
      const topics = await inbox.next(WAKE_MS);
      if (signal.aborted) return;
      await check();
      if (topics.size === 0) continue;
      yield { kinds: kinds.filter((kind) => topics.has(kind)), resync: topics.has(RESYNC) };
      await inbox.pause(MIN_GAP_MS);
    }
  } finally {
    inbox.close();
  }
}
