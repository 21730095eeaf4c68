// The scheduler in one process, through pg-boss on a real PostgreSQL: a poll cycle is split into
// chunks, every server is polled once, the summary is assembled once and names the replica; a
// cycle whose time is up starts no further poll; SCHEDULER_ENABLED=false starts nothing. tests/replicas/ runs the same with several processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { pollServers } from "@/server/inventory/poll-cycle";
import { stopBoss } from "@/server/jobs/boss";
import { startScheduler, stopScheduler } from "@/server/jobs/scheduler";
import { generateFleet, startSimulator, type Simulator } from "@/tools/fagent-sim";

let sim: Simulator;
// The simulated agents answer from this process, which a loaded machine can stall for a second:
// a 3 s agent timeout, and 6 s (half the interval) for the cold first cycle to start its chunks.
const env = {
  POLLING_INTERVAL: "12",
  POLL_CHUNK_SIZE: "2",
  CONNECTION_TIMEOUT: "3",
  HAPROXY_ENABLED: "false",
  AC_REPLICA_NAME: "replica-under-test",
};

beforeAll(async () => {
  sim = await startSimulator({
    scenario: generateFleet({ servers: 5, appsPerServer: 2, seed: 3, port: 0, baseAddress: "127.0.91.2" }),
  });
  for (const agent of sim.agents)
    await db().server.create({ data: { name: agent.name, ip: agent.ip, port: agent.port } });
});

afterAll(async () => {
  await stopScheduler();
  await stopBoss();
  await sim?.stop();
  for (const key of Object.keys(env)) delete process.env[key];
  reloadConfig();
});

async function until<T>(what: string, read: () => Promise<T | null | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("the scheduled poll cycle", () => {
  it("starts no poll once its time is up: the servers count as skipped, no agent is asked", async () => {
    const before = (await sim.control.stats()).totals.apps ?? 0;
    const { summary, outcomes } = await pollServers({}, { pollUntil: Date.now() - 1 });
    expect(summary).toMatchObject({ servers: 5, skipped: 5, online: 0, failures: 0 });
    expect(outcomes).toEqual([]);
    expect((await sim.control.stats()).totals.apps ?? 0).toBe(before);
  });

  it("does not start with SCHEDULER_ENABLED=false: no pg-boss, so no worker takes a job here", async () => {
    Object.assign(process.env, { ...env, SCHEDULER_ENABLED: "false" });
    reloadConfig();
    await startScheduler();
    expect((globalThis as { acBoss?: unknown }).acBoss).toBeUndefined();
    await stopScheduler();
    delete process.env.SCHEDULER_ENABLED;
  });

  it("polls every server once in chunks and records one summary naming the replica", async () => {
    Object.assign(process.env, env);
    reloadConfig();
    await startScheduler();
    const run = await until("a poll cycle", () => db().jobRun.findFirst({ where: { name: "poll-agents" } }));
    expect(run).toMatchObject({ replica: "replica-under-test", lastError: null });
    expect(run.summary).toMatchObject({
      servers: 5,
      online: 5,
      skipped: 0,
      chunks: 3,
      replicas: ["replica-under-test"],
    });
    await stopScheduler();
    const stats = await sim.control.stats();
    for (const agent of sim.agents) {
      expect(stats.agents[agent.name]?.maxInFlight.apps).toBe(1);
      expect(stats.agents[agent.name]?.requests.apps).toBeGreaterThanOrEqual(1);
    }
  });
});
