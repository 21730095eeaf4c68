// One subscription's mailbox on the change feed. What waits is a set of topics, not a queue of
// notices: a burst of a thousand notices for the same topic is one entry, so a slow reader never
// makes it grow (its bound is the number of topics it follows), and what it reads next is "these
// changed since you last looked" (docs/architecture.md, "Change feed").
import { AppError } from "../errors";
import { closing, CLOSING, onTopics, type Topic } from "./hub";

const restarting = () => new AppError("SERVICE_UNAVAILABLE", "This AC process is shutting down: reconnect");

/**
 * Open while the request's `signal` is and until `close()`: a stream that ends by itself (a
 * finished task, an error) closes it in a `finally`, since its request's signal need not abort then.
 */
export class Inbox {
  private pending = new Set<Topic>();
  private wake: (() => void) | null = null;
  private readonly open = new AbortController();
  private readonly signal: AbortSignal;

  constructor(topics: Topic[], signal: AbortSignal) {
    this.signal = AbortSignal.any([signal, this.open.signal]);
    onTopics(
      topics,
      (topic) => {
        this.pending.add(topic);
        this.wake?.();
      },
      this.signal,
    );
    this.signal.addEventListener("abort", () => this.wake?.(), { once: true });
  }

  /** Stops listening (idempotent). */
  close(): void {
    this.open.abort();
  }

  /**
   * The topics announced since the last call; waits for one, at most `timeoutMs` (then: empty).
   * Throws SERVICE_UNAVAILABLE (a code tRPC clients retry) when the process shuts down.
   */
  async next(timeoutMs: number): Promise<Set<Topic>> {
    if (closing()) throw restarting();
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
    if (this.pending.has(CLOSING)) throw restarting();
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
