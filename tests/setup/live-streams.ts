// Reading tRPC subscriptions (live.changes, tasks.follow) in tests: a real client's events as a
// queue, and a followed task's log as it arrives. Used by tests/integration/live.test.ts and
// tests/replicas/live.test.ts (docs/architecture.md, "Change feed"). And the feed's raw notices
// on one channel, counted (tests/integration/haproxy-bulk.test.ts).
import pg from "pg";
import type { TaskUpdate } from "@/server/live/task-follow";

export type StreamEvent<T> = { data: T } | { error: Error } | { done: true };
export type Stream<T> = {
  stop(): void;
  /** The next event, waiting for it (a test's timeout bounds the wait). */
  next(): Promise<StreamEvent<T>>;
};
export type TaskStream = Stream<{ id: string; data: TaskUpdate }>;

/** A subscription's events as a queue: `next()` waits for the next one; errors and the end are events too. */
export function collect<T>(subscribe: (handlers: object) => { unsubscribe(): void }): Stream<T> {
  const events: StreamEvent<T>[] = [];
  let wake: (() => void) | null = null;
  const push = (event: StreamEvent<T>) => (events.push(event), wake?.());
  const sub = subscribe({
    onData: (data: T) => push({ data }),
    onError: (error: Error) => push({ error }),
    onComplete: () => push({ done: true }),
  });
  return {
    stop: () => sub.unsubscribe(),
    async next() {
      while (events.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return events.shift()!;
    },
  };
}

/** What a task page has read so far: the text, and the last event id (its log offset) to resume from. */
export type TaskLog = { text: string; lastId: string | null };

/** Reads a task's stream into `log` until `stopAt` matches the text ("enough") or the stream ends ("done"). */
export async function readTaskLog(stream: TaskStream, log: TaskLog, stopAt: RegExp | null): Promise<"done" | "enough"> {
  for (;;) {
    const event = await stream.next();
    if ("error" in event) throw event.error;
    if ("done" in event) return "done";
    log.text += event.data.data.text;
    log.lastId = event.data.id;
    if (stopAt?.test(log.text)) return "enough";
  }
}

const MARK = "test-mark";

/**
 * Counts the notices on one channel of the change feed through a LISTEN of its own. PostgreSQL
 * delivers notices in commit order, so `settled()` sends a mark and, once the mark is back, every
 * notice committed before the call has been counted.
 */
export async function noticeCounter(channel: string) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  let count = 0;
  let marks = 0;
  let wake: (() => void) | null = null;
  client.on("notification", (notice) => {
    if (notice.channel !== channel) return;
    if (notice.payload === MARK) marks++;
    else count++;
    wake?.();
  });
  await client.query(`LISTEN ${channel}`); // a constant of server/live/feed.ts
  return {
    /** The notices counted so far, once every one committed before this call has arrived. */
    async settled(): Promise<number> {
      const expected = marks + 1;
      await client.query("SELECT pg_notify($1, $2)", [channel, MARK]);
      while (marks < expected) await new Promise<void>((resolve) => (wake = resolve));
      return count;
    },
    close: () => client.end(),
  };
}
