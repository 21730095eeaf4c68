// One subscription's mailbox on the change feed. What waits is a set of topics, not a queue of
// notices: a burst of a thousand notices for the same topic is one entry, so a slow reader never
// makes it grow (its bound is the number of topics it follows), and what it reads next is "these
// changed since you last looked" (docs/architecture.md, "Change feed").
import { onTopics, type Topic } from "./hub";

export class Inbox {
  private pending = new Set<Topic>();
  private wake: (() => void) | null = null;

  constructor(
    topics: Topic[],
    private readonly signal: AbortSignal,
  ) {
    onTopics(
      topics,
      (topic) => {
        this.pending.add(topic);
        this.wake?.();
      },
      signal,
    );
    signal.addEventListener("abort", () => this.wake?.());
  }

  /** The topics announced since the last call; waits for one, at most `timeoutMs` (then: empty). */
  async next(timeoutMs: number): Promise<Set<Topic>> {
    if (this.pending.size === 0 && !this.signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
    const taken = this.pending;
    this.pending = new Set();
    return taken;
  }

  /** Waits `ms` unless the subscription ends first (spacing the events of a burst). */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.signal.aborted) return resolve();
      const timer = setTimeout(finish, ms);
      const signal = this.signal;
      function finish() {
        clearTimeout(timer);
        signal.removeEventListener("abort", finish);
        resolve();
      }
      signal.addEventListener("abort", finish, { once: true });
    });
  }
}
