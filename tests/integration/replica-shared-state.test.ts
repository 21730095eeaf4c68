// Two AC replicas on one database (docs/operations.md, "Shared state across replicas"): this test
// process is replica A, a child process (helpers/replica-child.ts) is replica B, each with its own
// memory. The HAProxy breaker is one for both; a change made through one replica invalidates the
// other's cached live reads at once; the login limiter counts both replicas' attempts together.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLoginLimiter } from "@/server/auth/login-limiter";
import { db, dbPool } from "@/server/db";
import { claimTrial } from "@/server/haproxy/breaker-sql";
import type { BreakerView } from "@/server/haproxy/breaker";
import { runServerCommand } from "@/server/haproxy/commands";
import { listInstances } from "@/server/haproxy/queries";
import { liveBackends } from "@/server/haproxy/live-view";
import { setHaproxyOptions, type HaproxyOptions } from "@/server/haproxy/settings";
import { syncInstance } from "@/server/haproxy/sync";
import { generateBackends, startSimulator, type Simulator } from "@/tools/fagent-sim";

const AGENT = "lb-sim";
const THRESHOLD = 3;
const BREAKER_MS = 60_000;
const TTL_MS = 30_000;
const options: Partial<HaproxyOptions> = {
  agent: { timeoutMs: 5_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" },
  retries: 0,
  breakerThreshold: THRESHOLD,
  breakerTimeoutMs: BREAKER_MS,
  cacheTtlMs: TTL_MS,
};

let sim: Simulator;
let child: ChildProcess;
let instanceId: number;
let now = 5_000_000;

/** Replica B: one call per line; replies may come back in any order. */
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextId = 0;
function b<T>(op: string, ...args: unknown[]): Promise<T> {
  const id = nextId++;
  child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
  return new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
}

async function setClock(clock: number) {
  now = clock;
  await b("clock", clock);
}

const requests = async () => {
  const s = (await sim.control.stats()).agents[AGENT];
  return { backends: s?.requests["haproxy.backends"] ?? 0, servers: s?.requests["haproxy.servers"] ?? 0 };
};
const breakerOnA = async () => (await listInstances({})).find((i) => i.id === instanceId)!.breaker;
const breakerOnB = () => b<BreakerView>("breaker", instanceId);

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      baseAddress: "127.0.99.50",
      port: 0,
      agents: [{ name: AGENT, haproxy: [{ name: "lb1", backends: generateBackends({ backends: 2, servers: 3 }) }] }],
    },
  });
  child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "helpers/replica-child.ts")], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: process.env,
    stdio: ["pipe", "pipe", "inherit"],
  });
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    const reply = JSON.parse(line) as { id: number; ok: boolean; value?: unknown; error?: string };
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new Error(`replica B: ${reply.error}`));
  });
  child.once("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`replica B exited (${code})`));
  });
}, 120_000);

afterAll(async () => {
  setHaproxyOptions(undefined);
  if (child && child.exitCode === null) {
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
  }
  await sim?.stop();
});

beforeEach(async () => {
  // Not resetDatabase: restarting the ids would hand a new instance an old one's id, which never
  // happens in production, and each replica remembers the live_version it last saw per id.
  await db().server.deleteMany(); // and with it the HAProxy instance, its rows and its breaker
  now = 5_000_000;
  setHaproxyOptions({ ...options, now: () => now, sleep: async () => undefined });
  await b("options", options, now);
  await sim.control.haproxyFault(AGENT, "lb1", null);
  await sim.control.setHaproxyBackends(AGENT, "lb1", generateBackends({ backends: 2, servers: 3 }));
  await sim.control.resetStats();
  const a = sim.agents[0]!;
  const server = await db().server.create({ data: { name: a.name, ip: a.ip, port: a.port } });
  instanceId = (await db().hAProxyInstance.create({ data: { name: "lb1", serverId: server.id } })).id;
});

describe("the HAProxy circuit breaker is one for all replicas", () => {
  it("failures on both replicas add up, an open breaker refuses on both, and one trial goes through when half-open", async () => {
    await sim.control.haproxyFault(AGENT, "lb1", { fault: "http500" });
    expect((await syncInstance(instanceId)).ok).toBe(false);
    expect((await b<{ ok: boolean }>("sync", instanceId)).ok).toBe(false);
    expect(await breakerOnA()).toMatchObject({ state: "closed", failures: 2 });
    expect((await syncInstance(instanceId)).ok).toBe(false);
    expect(await breakerOnB()).toMatchObject({ state: "open", failures: THRESHOLD });
    expect(await requests()).toMatchObject({ backends: THRESHOLD });

    // Open: both refuse without asking the agent.
    const refusedOnB = await b<{ error: string }>("sync", instanceId);
    expect(refusedOnB.error).toMatch(/circuit breaker .* is open/);
    expect((await syncInstance(instanceId)).error).toMatch(/circuit breaker .* is open/);
    expect(await requests()).toMatchObject({ backends: THRESHOLD });

    // Half-open: six live reads at once from both replicas, and the agent sees one: the trial.
    // It fails, and the breaker is open again for another timeout, on both.
    await setClock(now + BREAKER_MS);
    expect((await breakerOnB()).state).toBe("half_open");
    const outcomes = await Promise.all([
      ...[1, 2, 3].map(() => liveBackends(instanceId)),
      ...[1, 2, 3].map(() => b<{ error: string | null }>("liveBackends", instanceId)),
    ]);
    expect(await requests()).toMatchObject({ backends: THRESHOLD + 1 });
    expect(outcomes.filter((o) => /circuit breaker .* is open/.test(o.error ?? ""))).toHaveLength(5);
    expect(outcomes.filter((o) => !/circuit breaker/.test(o.error ?? ""))).toEqual([
      expect.objectContaining({ error: expect.stringMatching(/HTTP 500/) }),
    ]);
    const reopened = { state: "open", retryAt: new Date(now + BREAKER_MS).toISOString() };
    expect(JSON.parse(JSON.stringify(await breakerOnA()))).toMatchObject(reopened);
    expect(await breakerOnB()).toMatchObject(reopened);

    // The next trial succeeds (on whichever replica wins it): closed for both.
    await setClock(now + BREAKER_MS);
    await sim.control.haproxyFault(AGENT, "lb1", null);
    await Promise.all([syncInstance(instanceId), b("sync", instanceId)]);
    expect(await breakerOnA()).toMatchObject({ state: "closed", failures: 0 });
    expect(await breakerOnB()).toMatchObject({ state: "closed", failures: 0, retryAt: null });
  });
});

describe("two replicas syncing one HAProxy instance at once", () => {
  it("store one after the other, on the instance's row lock", async () => {
    const blocker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT 1 FROM haproxy_instances WHERE id = $1 FOR NO KEY UPDATE", [instanceId]);
      const both = Promise.all([syncInstance(instanceId), b<{ ok: boolean }>("sync", instanceId)]);
      // Both have read the agent and wait to store: neither stores beside the other. (Asked on
      // another connection: inside a transaction pg_stat_activity stays as it was first read.)
      const waiting = async () =>
        (
          await dbPool().query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          )
        ).rows[0]!.n;
      while ((await waiting()) < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      await blocker.query("COMMIT");
      expect((await both).map((o) => o.ok)).toEqual([true, true]);
      expect(await db().hAProxyBackend.count({ where: { haproxyInstanceId: instanceId } })).toBe(2);
      expect(await db().hAProxyServer.count({ where: { backend: { haproxyInstanceId: instanceId } } })).toBe(6);
    } finally {
      await blocker.end();
    }
  });
});

describe("a replica that dies holding the half-open trial", () => {
  it("blocks the others for one timeout at most, then the next trial goes", async () => {
    await sim.control.haproxyFault(AGENT, "lb1", { fault: "http500" });
    for (let i = 0; i < THRESHOLD; i++) await syncInstance(instanceId);
    await setClock(now + BREAKER_MS);
    // What a replica does right before its trial call; then it is killed.
    expect(await claimTrial(dbPool(), instanceId, now, BREAKER_MS)).toBe(true);
    await sim.control.haproxyFault(AGENT, "lb1", null);
    const seen = await requests();
    expect((await b<{ error: string }>("sync", instanceId)).error).toMatch(/circuit breaker .* is open/);
    expect(await requests()).toEqual(seen);

    await setClock(now + BREAKER_MS);
    expect(await b("sync", instanceId)).toMatchObject({ ok: true });
    expect(await breakerOnA()).toMatchObject({ state: "closed", failures: 0 });
  });
});

describe("cached live reads across replicas", () => {
  type Live = Awaited<ReturnType<typeof liveBackends>>;
  const drained = (view: Live) => view.backends.find((x) => x.name === "be_app01")!.servers.DRAIN;

  it("a command through replica A is seen by replica B at once; HAProxy's own changes within the TTL", async () => {
    await syncInstance(instanceId);
    const before = drained(await liveBackends(instanceId));
    expect(drained(await b<Live>("liveBackends", instanceId))).toBe(before);
    await sim.control.resetStats();
    expect(drained(await b<Live>("liveBackends", instanceId))).toBe(before); // B serves it from its cache
    expect(await requests()).toEqual({ backends: 0, servers: 0 });

    const target = await db().hAProxyServer.findFirstOrThrow({
      where: { backend: { backendName: "be_app01" }, status: { not: "DRAIN" } },
      orderBy: { serverName: "asc" },
    });
    expect(await runServerCommand({ haproxyServerId: target.id, command: "drain", actor: "olga" })).toMatchObject({
      ok: true,
    });
    // The clock has not moved: without the shared live_version, B would show its cached read.
    expect(drained(await b<Live>("liveBackends", instanceId))).toBe(before + 1);

    // A change HAProxy makes on its own reaches B once its cached read is older than the TTL.
    await sim.control.setHaproxyServer(AGENT, "lb1", "be_app01", target.serverName, { status: "UP" });
    expect(drained(await b<Live>("liveBackends", instanceId))).toBe(before + 1);
    await setClock(now + TTL_MS);
    expect(drained(await b<Live>("liveBackends", instanceId))).toBe(before);
  });

  it("a command through replica B drops replica A's cached read of that backend", async () => {
    await syncInstance(instanceId);
    const before = drained(await liveBackends(instanceId));
    const target = await db().hAProxyServer.findFirstOrThrow({
      where: { backend: { backendName: "be_app01" }, status: { not: "DRAIN" } },
      orderBy: { serverName: "asc" },
    });
    expect(await b("command", target.id, "drain")).toMatchObject({ ok: true });
    expect(drained(await liveBackends(instanceId))).toBe(before + 1);
  });
});

describe("login limits across replicas", () => {
  it("two replicas' limiters, each with its own pool, count one account's attempts together", async () => {
    const pools = [1, 2].map(() =>
      // An idle connection terminated when the file's database is dropped is no test failure.
      new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 }).on("error", () => undefined),
    );
    try {
      const [onA, onB] = pools.map((pool) => createLoginLimiter(pool, { sleep: async () => undefined }));
      const wrong = async () => null;
      // Five attempts per account and address in 15 minutes, whichever replica takes them.
      for (const limiter of [onA, onB, onA, onB, onA]) {
        expect(await limiter!.attempt("olga", "10.0.0.9", wrong)).toMatchObject({ kind: "checked", user: null });
      }
      expect(await onB!.attempt("olga", "10.0.0.9", wrong)).toMatchObject({ kind: "limited" });
      expect(await onA!.attempt("olga", "10.0.0.9", wrong)).toMatchObject({ kind: "limited" });
      // Another address is counted on its own.
      expect(await onB!.attempt("olga", "10.0.0.10", wrong)).toMatchObject({ kind: "checked" });
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});
