// Live pages over real PostgreSQL and real HTTP (docs/architecture.md, "Change feed"): the API
// route served by a node:http server in this process, a real tRPC client with httpSubscriptionLink
// (tools/trpc-links.ts: undici's EventSource, bearer token) reading its server-sent events.
// The Next server itself, replicas and a real update task: tests/replicas/live.test.ts.
import { createServer, type Server } from "node:http";
import { Readable } from "node:stream";
import { createTRPCClient } from "@trpc/client";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import { evaluateAlerts } from "@/server/alerts/evaluate";
import { config, reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import { syncInstance } from "@/server/haproxy/sync";
import { announce } from "@/server/live/feed";
import { endLiveStreams, listening, noticeSequence, stopChangeFeed, subscriberCount } from "@/server/live/hub";
import type { PageChange } from "@/server/live/page-changes";
import { openStreams } from "@/server/live/stream-limits";
import type { TaskUpdate } from "@/server/live/task-follow";
import { taskReadsStarted } from "@/server/live/task-reads";
import { appendLog } from "@/server/tasks/log";
import type { AppRouter } from "@/server/trpc/root";
import { createApiToken, revokeApiToken } from "@/server/users/api-tokens";
import { createUser } from "@/server/users/users";
import { freePort } from "@/tools/db/embedded";
import { acLinks } from "@/tools/trpc-links";
import { collect, readTaskLog, type TaskLog, type TaskStream } from "../setup/live-streams";
import { RETRY_MS, delayAfterError, delayAfterRead } from "@/components/tasks/task-log-polling";

let server: Server;
let base: string;
let viewerToken: string;
let viewerId: number;
let operatorToken: string;

beforeAll(async () => {
  process.env.LIVE_RECHECK_SECONDS = "1"; // a revoked token's stream ends within a wake-up or two
  process.env.LIVE_MAX_STREAMS_PER_ACTOR = "6";
  reloadConfig();
  server = createServer((req, res) => {
    const handler = req.method === "POST" ? POST : GET;
    void handler(incomingMessageToRequest(req, res, { maxBodySize: null })).then((response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) Readable.fromWeb(response.body as never).pipe(res);
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const viewer = await createUser({ login: "live-viewer", password: "live-viewer-password-1", role: "viewer" });
  viewerId = viewer.id;
  viewerToken = (await createApiToken({ name: "live-viewer", role: "viewer", ownerId: viewer.id })).secret;
  operatorToken = (await createApiToken({ name: "live-operator", role: "operator" })).secret;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await stopChangeFeed();
});

const clientFor = (token: string) => createTRPCClient<AppRouter>({ links: acLinks(base, token) });

const until = async (what: string, check: () => boolean | Promise<boolean>) => {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe("live.changes", () => {
  it("delivers what a committed transaction announced, only the kinds asked for, nothing rolled back; ends its listener on disconnect", async () => {
    const client = clientFor(viewerToken);
    const feed = collect<PageChange>((h) => client.live.changes.subscribe({ kinds: ["haproxy", "alerts"] }, h));
    expect(await feed.next()).toEqual({ data: { kinds: [], resync: false } }); // connected
    // The listener's connection opening says "resync" to whoever is subscribed: notices before it are gone.
    expect(await feed.next()).toEqual({ data: { kinds: [], resync: true } });

    await db()
      .$transaction(async (tx) => {
        await announce(tx, "alerts");
        throw new Error("rolled back");
      })
      .catch(() => undefined);
    await db().$transaction((tx) => announce(tx, "inventory")); // not asked for
    await db().$transaction(async (tx) => {
      for (let i = 0; i < 500; i++) await announce(tx, "haproxy"); // one notice for the lot
    });
    expect(await feed.next()).toEqual({ data: { kinds: ["haproxy"], resync: false } });

    expect(subscriberCount()).toBe(1);
    feed.stop();
    await until("the server to drop the subscription", () => subscriberCount() === 0);
  });

  it("refuses a caller without credentials, and a stream whose token is revoked ends", async () => {
    const anonymous = createTRPCClient<AppRouter>({ links: acLinks(base, "ac_not-a-token") });
    const refused = collect<PageChange>((h) => anonymous.live.changes.subscribe({ kinds: ["inventory"] }, h));
    const first = await refused.next();
    refused.stop();
    expect("error" in first && first.error.message).toMatch(/Log in or send an API token/);

    const { token, secret } = await createApiToken({ name: "live-revoked", role: "viewer" });
    const feed = collect<PageChange>((h) => clientFor(secret).live.changes.subscribe({ kinds: ["inventory"] }, h));
    expect(await feed.next()).toMatchObject({ data: { kinds: [] } });
    await revokeApiToken(token.id);
    // A notice wakes the stream, which re-reads its caller (LIVE_RECHECK_SECONDS=1 here) and ends.
    const last = await (async () => {
      for (;;) {
        await db().$transaction((tx) => announce(tx, "inventory"));
        const event = await feed.next();
        if (!("data" in event)) return event;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    feed.stop();
    expect("error" in last && last.error.message).toMatch(/session or token ended/);
    await until("the ended stream to stop listening", () => subscriberCount() === 0);
  });
});

describe("tasks.follow", () => {
  it("streams every log line in order across a reconnect with lastEventId: exactly the stored log, no gap, no repeat", async () => {
    const task = await db().task.create({
      data: { kind: "update", status: "running", target: {}, parameters: {}, createdBy: "live-test" },
    });
    const client = clientFor(operatorToken);
    const log: TaskLog = { text: "", lastId: null };
    const writer = (async () => {
      for (let i = 1; i <= 120; i++) {
        await appendLog(task.id, `line ${i}\n`);
        if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    const first: TaskStream = collect((h) => client.tasks.follow.subscribe({ id: task.id }, h));
    expect(await readTaskLog(first, log, /line 30\n/)).toBe("enough");
    first.stop(); // the connection drops mid-stream; lines keep coming meanwhile
    await writer;
    await db().task.update({ where: { id: task.id }, data: { status: "succeeded", finishedAt: new Date() } });

    const resumed: TaskStream = collect((h) =>
      client.tasks.follow.subscribe({ id: task.id, lastEventId: log.lastId }, h),
    );
    expect(await readTaskLog(resumed, log, null)).toBe("done"); // a finished task's stream ends after its last line
    await until("the finished stream to stop listening", () => subscriberCount() === 0);

    const stored = (await db().task.findUniqueOrThrow({ where: { id: task.id }, select: { log: true } })).log;
    expect(log.text).toBe(stored);
    expect(log.text.trimEnd().split("\n")).toEqual(Array.from({ length: 120 }, (_, i) => `line ${i + 1}`));
  });

  it("a viewer may follow a task; an unknown task is NOT_FOUND", async () => {
    const client = clientFor(viewerToken);
    const feed = collect<{ id: string; data: TaskUpdate }>((h) =>
      client.tasks.follow.subscribe({ id: "00000000-0000-4000-8000-000000000000" }, h),
    );
    const event = await feed.next();
    feed.stop();
    expect("error" in event && event.error.message).toMatch(/Task not found/);
  });
});

describe("offsets out of range", () => {
  it("tasks.follow's lastEventId and tasks.log's offset past any log are bad requests, not database errors", async () => {
    const task = await db().task.create({
      data: { kind: "update", status: "succeeded", target: {}, parameters: {}, createdBy: "live-test", log: "x\n" },
    });
    const client = clientFor(viewerToken);
    const feed = collect((h) => client.tasks.follow.subscribe({ id: task.id, lastEventId: "9999999999" }, h));
    const event = await feed.next();
    feed.stop();
    expect(event).toMatchObject({
      error: { data: { code: "BAD_REQUEST" }, message: expect.stringMatching(/beyond any log/) },
    });
    await expect(client.tasks.log.query({ id: task.id, offset: 2 ** 31 })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
      message: expect.stringMatching(/beyond any log/),
    });
    // The largest accepted offset reads nothing rather than failing.
    expect(await client.tasks.log.query({ id: task.id, offset: 2 ** 31 - 2 })).toMatchObject({ text: "", reset: true });
  });
});

describe("limits", () => {
  const noTask = "00000000-0000-4000-8000-000000000000";
  const firstError = async (feed: { next(): Promise<object>; stop(): void }) => {
    const event = await feed.next();
    feed.stop();
    return "error" in event ? (event.error as Error).message : `not refused: ${JSON.stringify(event)}`;
  };

  it("refuses a stream past LIVE_MAX_STREAMS_PER_ACTOR (a token counts for its owner) and past LIVE_MAX_STREAMS", async () => {
    const cap = config().LIVE_MAX_STREAMS_PER_ACTOR;
    const client = clientFor(viewerToken);
    const open = Array.from({ length: cap }, () =>
      collect<PageChange>((h) => client.live.changes.subscribe({ kinds: ["inventory"] }, h)),
    );
    for (const feed of open) expect(await feed.next()).toMatchObject({ data: { kinds: [] } });

    const tooMany = new RegExp(`You have ${cap} live streams open \\(the limit is ${cap}\\)`);
    expect(await firstError(collect((h) => client.tasks.follow.subscribe({ id: noTask }, h)))).toMatch(tooMany);
    const sameOwner = (await createApiToken({ name: "live-viewer-2", role: "viewer", ownerId: viewerId })).secret;
    const other = clientFor(sameOwner);
    expect(await firstError(collect((h) => other.live.changes.subscribe({ kinds: ["tasks"] }, h)))).toMatch(tooMany);
    // Another caller is not held back by this one's streams (NOT_FOUND: it got past the limit).
    const operator = clientFor(operatorToken);
    expect(await firstError(collect((h) => operator.tasks.follow.subscribe({ id: noTask }, h)))).toMatch(/not found/);

    open.pop()!.stop(); // a closed stream gives its slot back
    await until("the closed stream's slot to be free", () => openStreams() === cap - 1);
    const again = collect<PageChange>((h) => other.live.changes.subscribe({ kinds: ["tasks"] }, h));
    expect(await again.next()).toMatchObject({ data: { kinds: [] } });
    open.push(again);

    process.env.LIVE_MAX_STREAMS = String(cap);
    reloadConfig();
    try {
      expect(await firstError(collect((h) => operator.tasks.follow.subscribe({ id: noTask }, h)))).toMatch(
        `This AC process has ${cap} live streams open`,
      );
    } finally {
      delete process.env.LIVE_MAX_STREAMS;
      reloadConfig();
    }
    for (const feed of open) feed.stop();
    await until("every stream to end", () => openStreams() === 0 && subscriberCount() === 0);
  });

  it("followers of one task share its reads: one log flush costs one read, not one per open page", async () => {
    const followers = config().LIVE_MAX_STREAMS_PER_ACTOR;
    const client = clientFor(operatorToken);
    const opener = collect<PageChange>((h) => client.live.changes.subscribe({ kinds: ["alerts"] }, h));
    await until("the change feed to listen", listening);
    opener.stop();
    const seen = noticeSequence();
    const task = await db().task.create({
      data: { kind: "update", status: "running", target: {}, parameters: {}, createdBy: "live-test", log: "start\n" },
    });
    // The insert's own notices (task and list) are in before the followers open: none of them wakes late.
    await until("the insert's notices", () => noticeSequence() >= seen + 2);
    const feeds = Array.from({ length: followers }, () =>
      collect<{ id: string; data: TaskUpdate }>((h) => client.tasks.follow.subscribe({ id: task.id }, h)),
    );
    for (const feed of feeds) expect(await feed.next()).toMatchObject({ data: { data: { text: "start\n" } } });

    const before = taskReadsStarted();
    await appendLog(task.id, "one flush\n");
    for (const feed of feeds) expect(await feed.next()).toMatchObject({ data: { data: { text: "one flush\n" } } });
    const reads = taskReadsStarted() - before;
    for (const feed of feeds) feed.stop();
    // One in practice (every follower wakes on the same notice); each reading for itself made it `followers`.
    expect(reads).toBeLessThanOrEqual(2);
    await until("every stream to end", () => openStreams() === 0 && subscriberCount() === 0);
  });
});

describe("what the writers announce", () => {
  /** A live.changes stream of `kinds`, once the listener is up (past its "connected" and any "resync"). */
  async function follow(kinds: ("haproxy" | "alerts")[]) {
    const feed = collect<PageChange>((h) => clientFor(viewerToken).live.changes.subscribe({ kinds }, h));
    expect(await feed.next()).toEqual({ data: { kinds: [], resync: false } });
    await until("the change feed to listen", listening);
    return {
      stop: feed.stop,
      /** The next change of a kind, skipping resyncs (a listener that just connected says one). */
      async change() {
        for (;;) {
          const event = await feed.next();
          if (!("data" in event)) throw new Error(`the stream ended: ${JSON.stringify(event)}`);
          if (event.data.kinds.length > 0) return event.data.kinds;
        }
      },
    };
  }

  it("an HAProxy instance's sync result (its time and error) reaches the HAProxy pages, even when no server changed", async () => {
    setHaproxyOptions({
      agent: { timeoutMs: 5_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" },
      retries: 0,
    });
    const host = await db().server.create({ data: { name: "lb-gone", ip: "127.0.0.1", port: await freePort() } });
    const instance = await db().hAProxyInstance.create({ data: { name: "lb", serverId: host.id } });
    const feed = await follow(["haproxy"]);
    try {
      const outcome = await syncInstance(instance.id); // nobody listens there: it fails, storing nothing
      expect(outcome).toMatchObject({ ok: false, counts: null });
      expect(await feed.change()).toEqual(["haproxy"]);
      const stored = await db().hAProxyInstance.findUniqueOrThrow({ where: { id: instance.id } });
      expect(stored).toMatchObject({ lastSyncSuccess: false, lastSyncError: outcome.error });
    } finally {
      feed.stop();
      setHaproxyOptions(undefined);
    }
    await until("the stream to end", () => subscriberCount() === 0);
  });

  it("an alert that opens as pending, and a pending one withdrawn, reach the alert pages", async () => {
    // Only this rule, so nothing else this file left behind fires or resolves meanwhile.
    await db().alertRule.updateMany({ where: { name: { not: "Server offline" } }, data: { enabled: false } });
    const server = await db().server.create({ data: { name: "down-1", ip: "127.0.0.2", port: 1, status: "offline" } });
    const feed = await follow(["alerts"]);
    try {
      // The shipped rule "Server offline" waits 120 s before it fires: this evaluation only opens it.
      expect(await evaluateAlerts()).toMatchObject({ pending: 1, fired: 0, resolved: 0 });
      expect(await feed.change()).toEqual(["alerts"]);
      await db().server.update({ where: { id: server.id }, data: { status: "online" } });
      expect(await evaluateAlerts()).toMatchObject({ pending: 0, fired: 0, resolved: 0 });
      expect(await feed.change()).toEqual(["alerts"]);
    } finally {
      feed.stop();
    }
    await until("the stream to end", () => subscriberCount() === 0);
  });
});

describe("the task page's fallback reader (components/tasks/task-log-polling.ts)", () => {
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => expect.fail("the call succeeded"),
      (error: unknown) => error,
    );

  it("stops on the real API's UNAUTHORIZED, FORBIDDEN and NOT_FOUND; tries again when the server cannot be reached", async () => {
    const noTask = "00000000-0000-4000-8000-000000000000";
    const viewer = clientFor(viewerToken);
    const anonymous = createTRPCClient<AppRouter>({ links: acLinks(base, "ac_not-a-token") });
    expect(delayAfterError(await failure(viewer.tasks.log.query({ id: noTask, offset: 0 })))).toBeNull();
    expect(delayAfterError(await failure(anonymous.tasks.log.query({ id: noTask, offset: 0 })))).toBeNull();
    expect(delayAfterError(await failure(viewer.users.list.query({})))).toBeNull(); // FORBIDDEN for a viewer

    const nobody = createTRPCClient<AppRouter>({ links: acLinks(`http://127.0.0.1:${await freePort()}`, viewerToken) });
    expect(delayAfterError(await failure(nobody.tasks.log.query({ id: noTask, offset: 0 })))).toBe(RETRY_MS);

    const task = await db().task.create({
      data: { kind: "update", status: "succeeded", target: {}, parameters: {}, createdBy: "live-test", log: "done\n" },
    });
    expect(delayAfterRead(await viewer.tasks.log.query({ id: task.id, offset: 0 }))).toBeNull(); // read whole, ended
  });
});

describe("shutdown", () => {
  // Last in this file: the process stays "closing" afterwards.
  it("ends every open stream with a retryable error, so the browser reconnects to another replica", async () => {
    const states: { state: string; error: string | null }[] = [];
    const sub = clientFor(viewerToken).live.changes.subscribe(
      { kinds: ["inventory"] },
      { onConnectionStateChange: (c) => states.push({ state: c.state, error: c.error?.message ?? null }) },
    );
    await until("the stream to be open", () => subscriberCount() === 1 && states.some((s) => s.state === "pending"));
    endLiveStreams();
    await until("the stream to end on the server", () => subscriberCount() === 0);
    await until("the client to reconnect", () => states.some((s) => s.state === "connecting" && !!s.error));
    sub.unsubscribe();
    expect(states.find((s) => s.error)?.error).toMatch(/shutting down/);
  });
});
