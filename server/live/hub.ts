// The readers' side of the change feed (docs/architecture.md, "Change feed"): one dedicated
// PostgreSQL connection per process LISTENs on the feed's channels and fans each notice out, in
// process, to the open subscriptions. It is not taken from the pool (a LISTEN holds its connection
// for good) and lives on globalThis (Next bundles modules separately). A lost connection is
// reopened with backoff; every (re)connect tells subscribers to resync, since notices sent while
// no one listened are gone.
import { EventEmitter } from "node:events";
import pg from "pg";
import { liveKinds } from "../../lib/live-kinds";
import { config } from "../config";
import { channelOf, CHANNEL_PREFIX, TASK_CHANNEL } from "./feed";
import { registerLiveShutdown } from "./shutdown";

/** A topic is a kind ("inventory"), one task ("task:<uuid>"), or "resync" (anything may have changed). */
export type Topic = string;
export const RESYNC: Topic = "resync";
/** The process is shutting down: streams end with a retryable error, so clients reconnect elsewhere. */
export const CLOSING: Topic = "closing";
export const taskTopic = (id: string): Topic => `task:${id}`;

const CHANNELS = [...liveKinds.map(channelOf), TASK_CHANNEL];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BACKOFF_MS = 30_000;

type Hub = {
  events: EventEmitter;
  client: pg.Client | null;
  connecting: boolean;
  retryMs: number;
  timer: NodeJS.Timeout | null;
  stopped: boolean;
  closing: boolean;
  /** Counts the notices (and resyncs) received, so a reader can tell whether a read saw them (task-reads.ts). */
  seq: number;
};

const globalForLive = globalThis as unknown as { acLiveHub?: Hub };

function hub(): Hub {
  if (!globalForLive.acLiveHub) registerLiveShutdown(endLiveStreams);
  globalForLive.acLiveHub ??= {
    events: new EventEmitter().setMaxListeners(0), // one listener per open subscription
    client: null,
    connecting: false,
    retryMs: 1_000,
    timer: null,
    stopped: false,
    closing: false,
    seq: 0,
  };
  return globalForLive.acLiveHub;
}

/** The topic a notice stands for, or null for one we do not know (never trusted further). */
function topicOf(channel: string, payload: string | undefined): Topic | null {
  if (channel === TASK_CHANNEL) return payload && UUID.test(payload) ? taskTopic(payload.toLowerCase()) : null;
  const kind = channel.slice(CHANNEL_PREFIX.length);
  return (liveKinds as readonly string[]).includes(kind) ? kind : null;
}

async function connect(h: Hub): Promise<void> {
  if (h.client || h.connecting || h.stopped) return;
  const url = config().DATABASE_URL;
  if (!url) return;
  h.connecting = true;
  const client = new pg.Client({ connectionString: url, keepAlive: true, application_name: "ac-live" });
  const lost = (why: string) => {
    if (h.client !== client) return;
    h.client = null;
    client.removeAllListeners("notification");
    client.end().catch(() => undefined);
    if (!h.stopped) console.warn(`[live] change feed connection lost (${why}); reconnecting`);
    schedule(h);
  };
  client.on("error", (error) => lost(error.message));
  client.on("end", () => lost("closed"));
  client.on("notification", ({ channel, payload }) => {
    const topic = topicOf(channel, payload);
    if (!topic) return;
    h.seq++;
    h.events.emit(topic);
  });
  try {
    await client.connect();
    for (const channel of CHANNELS) await client.query(`LISTEN ${channel}`); // constant names
    h.client = client;
    h.retryMs = 1_000;
    h.seq++;
    h.events.emit(RESYNC);
  } catch (error) {
    client.removeAllListeners();
    client.on("error", () => undefined);
    await client.end().catch(() => undefined);
    console.warn(`[live] change feed: cannot listen (${(error as Error).message}); retrying`);
    schedule(h);
  } finally {
    h.connecting = false;
  }
  if (h.stopped) await stopChangeFeed();
}

function schedule(h: Hub) {
  if (h.timer || h.stopped) return;
  const delay = h.retryMs;
  h.retryMs = Math.min(h.retryMs * 2, MAX_BACKOFF_MS);
  h.timer = setTimeout(() => {
    h.timer = null;
    void connect(h);
  }, delay);
  h.timer.unref();
}

/**
 * Calls `onTopic` for each notice of the given topics (and for RESYNC) until `signal` aborts;
 * starts the listener connection on first use.
 */
export function onTopics(topics: Topic[], onTopic: (topic: Topic) => void, signal: AbortSignal): void {
  if (signal.aborted) return;
  const h = hub();
  h.stopped = false;
  const handlers = [...new Set([...topics, RESYNC, CLOSING])].map((topic) => [topic, () => onTopic(topic)] as const);
  for (const [topic, handler] of handlers) h.events.on(topic, handler);
  signal.addEventListener(
    "abort",
    () => {
      for (const [topic, handler] of handlers) h.events.off(topic, handler);
    },
    { once: true },
  );
  void connect(h);
}

/** How many notices this process has received: a read started at n has seen every write announced by then. */
export const noticeSequence = (): number => hub().seq;

/** Whether the listener connection is up (for the tests, and /api/health should it want it). */
export const listening = (): boolean => hub().client !== null;

/** Whether the process is shutting down (endLiveStreams was called). */
export const closing = (): boolean => hub().closing;

/**
 * Ends every open stream of this process (web server shutdown, server/http/web-server.ts): an
 * SSE response never ends by itself, so the server would otherwise wait for each tab to go away.
 */
export function endLiveStreams(): void {
  const h = hub();
  h.closing = true;
  h.events.emit(CLOSING);
}

/** Open subscriptions in this process (for the tests and /api/metrics, should it want them). */
export const subscriberCount = (): number => hub().events.listenerCount(RESYNC);

/** Closes the listener connection (shutdown, the end of a test file); the next subscription reopens it. */
export async function stopChangeFeed(): Promise<void> {
  const h = hub();
  h.stopped = true;
  if (h.timer) clearTimeout(h.timer);
  h.timer = null;
  const client = h.client;
  h.client = null;
  await client?.end().catch(() => undefined);
}
