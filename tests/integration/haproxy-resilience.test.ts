// Resilience of the HAProxy module against a simulated agent (127.0.99.40): the circuit breaker
// (closed → open → half-open → closed), retries with backoff for reads, the TTL cache of live
// reads and what drops it, and the module switched off. Time is a clock the test moves.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "@/server/config";
import { db } from "@/server/db";
import { resetBreaker } from "@/server/haproxy/breaker";
import { runServerCommand } from "@/server/haproxy/commands";
import { invalidateLive } from "@/server/haproxy/live";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import { syncInstance } from "@/server/haproxy/sync";
import { clusterJobs } from "@/server/jobs/scheduler";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { generateBackends, startSimulator, type Simulator } from "@/tools/fagent-sim";
import { callers, errorOf, type Callers } from "./inventory-fixtures";

const AGENT = "lb-sim";
let sim: Simulator;
let as: Callers;
let instanceId: number;
let now = 1_000_000;
let sleeps: number[] = [];

const THRESHOLD = 3;
const BREAKER_MS = 60_000;
const TTL_MS = 30_000;
const backends = generateBackends({ backends: 3, servers: 4, seed: 5 });

const requests = async () => {
  const s = (await sim.control.stats()).agents[AGENT];
  return {
    backends: s?.requests["haproxy.backends"] ?? 0,
    servers: s?.requests["haproxy.servers"] ?? 0,
    commands: s?.requests["haproxy.command"] ?? 0,
  };
};
const breaker = async () => (await as.viewer.haproxy.instances({})).find((i) => i.id === instanceId)!.breaker;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: { baseAddress: "127.0.99.40", port: 0, agents: [{ name: AGENT, haproxy: [{ name: "lb1", backends }] }] },
  });
});
afterAll(async () => {
  setHaproxyOptions(undefined);
  await sim.stop();
});
beforeEach(async () => {
  await resetDatabase();
  await resetBreaker();
  now = 1_000_000;
  sleeps = [];
  setHaproxyOptions({
    agent: { timeoutMs: 2_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" },
    retries: 2,
    backoffMs: 100,
    breakerThreshold: THRESHOLD,
    breakerTimeoutMs: BREAKER_MS,
    cacheTtlMs: TTL_MS,
    now: () => now,
    sleep: async (ms) => void sleeps.push(ms),
  });
  await sim.control.haproxyFault(AGENT, "lb1", null);
  await sim.control.fault(AGENT, { fault: "clear" });
  await sim.control.setHaproxyBackends(AGENT, "lb1", backends);
  await sim.control.resetStats();
  as = await callers();
  const a = sim.agents[0]!;
  const server = await db().server.create({ data: { name: a.name, ip: a.ip, port: a.port } });
  instanceId = (await db().hAProxyInstance.create({ data: { name: "lb1", serverId: server.id } })).id;
  await invalidateLive(instanceId);
});

describe("circuit breaker", () => {
  it("opens after the threshold of failed calls, refuses without calling the agent, half-opens after the timeout and closes on success", async () => {
    await sim.control.haproxyFault(AGENT, "lb1", { fault: "http500" });
    for (let i = 0; i < THRESHOLD; i++) {
      expect((await syncInstance(instanceId)).ok).toBe(false);
      if (i < THRESHOLD - 1) expect(await breaker()).toMatchObject({ state: "closed", failures: i + 1 });
    }
    expect(await breaker()).toMatchObject({ state: "open", failures: THRESHOLD });
    expect((await breaker()).retryAt).toEqual(new Date(now + BREAKER_MS));
    const seen = await requests();
    expect(seen.backends).toBe(THRESHOLD * 3); // each failed read was tried 1 + 2 times

    // Open: refused here, the agent is not asked; the reason is stored where the UI shows it.
    now += BREAKER_MS - 1;
    const refused = await syncInstance(instanceId);
    expect(refused.error).toMatch(/circuit breaker .* is open/);
    expect(await requests()).toEqual(seen);
    expect((await db().hAProxyInstance.findUniqueOrThrow({ where: { id: instanceId } })).lastSyncError).toMatch(
      /circuit breaker/,
    );

    // Time is up: half-open, one trial goes through; it succeeds and the breaker closes.
    now += 1;
    expect((await breaker()).state).toBe("half_open");
    await sim.control.haproxyFault(AGENT, "lb1", null);
    expect((await syncInstance(instanceId)).ok).toBe(true);
    expect(await breaker()).toMatchObject({ state: "closed", failures: 0, retryAt: null });
  });

  it("a failed half-open trial opens it again for another timeout", async () => {
    await sim.control.haproxyFault(AGENT, "lb1", { fault: "http500" });
    for (let i = 0; i < THRESHOLD; i++) await syncInstance(instanceId);
    now += BREAKER_MS;
    expect((await breaker()).state).toBe("half_open");
    await syncInstance(instanceId);
    expect(await breaker()).toMatchObject({ state: "open", retryAt: new Date(now + BREAKER_MS) });
  });

  it("commands go through the breaker too: refused while open, logged as failed", async () => {
    await syncInstance(instanceId);
    const server = await db().hAProxyServer.findFirstOrThrow({ orderBy: { id: "asc" } });
    await sim.control.fault(AGENT, { fault: "down" });
    for (let i = 0; i < THRESHOLD; i++) await syncInstance(instanceId);
    expect((await breaker()).state).toBe("open");
    const result = await runServerCommand({ haproxyServerId: server.id, command: "drain", actor: "olga" });
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toMatch(/circuit breaker/);
    expect(
      await db().auditEntry.findFirstOrThrow({ where: { action: "haproxy.command", targetId: String(server.id) } }),
    ).toMatchObject({ outcome: "failure", details: expect.objectContaining({ startedBy: "olga" }) });
  });

  it("an agent that answers success: false is not a failure: no retries, the breaker stays closed", async () => {
    await sim.control.haproxyFault(AGENT, "lb1", {
      fault: "refuse",
      message: "cannot connect to /run/haproxy/admin.sock",
    });
    for (let i = 0; i < THRESHOLD + 1; i++) {
      const outcome = await syncInstance(instanceId);
      expect(outcome.error).toMatch(/cannot connect to \/run\/haproxy\/admin.sock/);
    }
    expect((await requests()).backends).toBe(THRESHOLD + 1);
    expect(await breaker()).toMatchObject({ state: "closed", failures: 0 });
  });
});

describe("retries", () => {
  it("a read that fails twice then succeeds is retried with growing pauses, and the sync succeeds", async () => {
    await sim.control.haproxyFault(AGENT, "lb1", { fault: "http500", times: 2 });
    const outcome = await syncInstance(instanceId);
    expect(outcome).toMatchObject({ ok: true, counts: { backends: 3, servers: 12 } });
    expect(sleeps).toEqual([100, 200]);
    expect((await requests()).backends).toBe(3);
    expect(await breaker()).toMatchObject({ state: "closed", failures: 0 });
  });

  it("gives up after the last retry, keeps the stored state and records the error", async () => {
    await syncInstance(instanceId);
    await sim.control.fault(AGENT, { fault: "down" });
    const outcome = await syncInstance(instanceId);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/refused the connection/);
    expect(sleeps).toEqual([100, 200]);
    expect(await db().hAProxyServer.count({ where: { removedAt: null } })).toBe(12);
    expect(await db().hAProxyInstance.findUniqueOrThrow({ where: { id: instanceId } })).toMatchObject({
      lastSyncSuccess: false,
    });
  });

  it("a command is sent once, never retried", async () => {
    await syncInstance(instanceId);
    const server = await db().hAProxyServer.findFirstOrThrow({ orderBy: { id: "asc" } });
    await sim.control.haproxyFault(AGENT, "lb1", { fault: "http500", times: 1 });
    await sim.control.resetStats();
    const result = await runServerCommand({ haproxyServerId: server.id, command: "drain", actor: "olga" });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/HTTP 500/);
    expect((await requests()).commands).toBe(1);
  });
});

describe("cache of live reads", () => {
  it("serves reads from the cache for the TTL, then asks the agent again", async () => {
    const first = await as.viewer.haproxy.liveBackends({ instanceId });
    expect(first).toMatchObject({ source: "live", error: null });
    expect(first.backends.map((b) => b.name)).toEqual(["be_app01", "be_app02", "be_app03"]);
    expect(await requests()).toMatchObject({ backends: 1, servers: 3 });

    now += TTL_MS - 1;
    await as.viewer.haproxy.liveBackends({ instanceId });
    expect(await requests()).toMatchObject({ backends: 1, servers: 3 });

    now += 1;
    await as.viewer.haproxy.liveBackends({ instanceId });
    expect(await requests()).toMatchObject({ backends: 2, servers: 6 });
  });

  it("a command drops its backend's cached servers; a sync drops all of the instance's", async () => {
    await syncInstance(instanceId);
    await as.viewer.haproxy.liveBackends({ instanceId });
    const [target, other] = await db().hAProxyServer.findMany({
      where: { backend: { backendName: "be_app01" } },
      orderBy: { serverName: "asc" },
      take: 2,
    });
    // The agent's state moves behind AC's back; the cached read does not show it yet.
    await sim.control.setHaproxyServer(AGENT, "lb1", "be_app01", other!.serverName, { status: "NOLB" });
    await sim.control.setHaproxyServer(AGENT, "lb1", "be_app01", target!.serverName, { status: "UP" });
    const nolb = async () => (await as.viewer.haproxy.liveBackends({ instanceId })).backends[0]!.servers.NOLB;
    const before = await nolb();

    await sim.control.resetStats();
    await as.operator.haproxy.command({ haproxyServerId: target!.id, command: "drain" });
    expect(await nolb()).toBe(before + (other!.status === "NOLB" ? 0 : 1));
    expect(await requests()).toMatchObject({ backends: 0, servers: 1 }); // only the command's re-read

    await sim.control.resetStats();
    await syncInstance(instanceId);
    await sim.control.resetStats();
    await as.viewer.haproxy.liveBackends({ instanceId });
    expect(await requests()).toMatchObject({ backends: 1, servers: 3 });
  });

  it("when the agent cannot be read, the stored state is shown with the reason", async () => {
    await syncInstance(instanceId);
    await sim.control.fault(AGENT, { fault: "down" });
    await invalidateLive(instanceId);
    const view = await as.viewer.haproxy.liveBackends({ instanceId });
    expect(view.source).toBe("stored");
    expect(view.error).toMatch(/refused the connection/);
    expect(view.backends).toHaveLength(3);
  });
});

describe("HAPROXY_ENABLED=false", () => {
  it("the API says so, refuses sync, and a command fails with the reason (still logged)", async () => {
    await syncInstance(instanceId);
    const server = await db().hAProxyServer.findFirstOrThrow();
    setHaproxyOptions({ enabled: false });
    expect((await as.viewer.haproxy.summary()).enabled).toBe(false);
    const error = await errorOf(as.operator.haproxy.syncNow({ instanceId }));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toMatch(/HAPROXY_ENABLED=false/);
    const result = await as.operator.haproxy.command({ haproxyServerId: server.id, command: "drain" });
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/turned off/) });
    expect(await db().auditEntry.findFirstOrThrow({ where: { action: "haproxy.command" } })).toMatchObject({
      outcome: "failure",
      actorName: "test-operator",
    });
    expect((await as.viewer.haproxy.liveBackends({ instanceId })).source).toBe("stored");
  });
});

describe("the haproxy-sync job", () => {
  const jobNames = (haproxyEnabled: string) =>
    clusterJobs(parseConfig({ ...process.env, HAPROXY_ENABLED: haproxyEnabled })).map((job) => job.name);

  it("is scheduled when the module is on, and not at all with HAPROXY_ENABLED=false", () => {
    expect(jobNames("true")).toContain("haproxy-sync");
    const off = jobNames("false");
    expect(off).toContain("poll-agents");
    expect(off).not.toContain("haproxy-sync");
  });
});
