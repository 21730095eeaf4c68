// A quiet cycle's statements (docs/performance.md, "Polling"): the servers whose reply did not
// change get only last_check, in two statements: what is known when the last poll starts is
// touched while the last polls finish, then the rest. Statements are counted at the pg driver
// (tools/bench/sql-counter.ts); the agents are plain HTTP servers on 127.0.0.1, one of which holds
// its apps reply until the test lets it go, so "while the last poll runs" needs no timing.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, initDb } from "@/server/db";
import { pollServers } from "@/server/inventory/poll-cycle";
import { sqlCounter } from "@/tools/bench/sql-counter";

const agent = { timeoutMs: 60_000, maxResponseBytes: 256 * 1024, tokenHeader: "X-Agent-Token" };
const counter = sqlCounter();

type Agent = { name: string; port: number; hold(): Promise<void>; release(): void; close(): Promise<void> };

/** An agent with one app; after hold(), its next apps request waits for release() (hold resolves when it arrives). */
async function startAgent(name: string): Promise<Agent> {
  const apps = JSON.stringify({
    server: { "service-app": { applications: [{ name: `${name}_1`, version: "1.0", status: "running" }] } },
  });
  let holding: { arrived: () => void; answer?: () => void } | null = null;
  const server = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/api/v1/apps" && holding) {
      holding.answer = () => res.end(apps);
      holding.arrived();
      return;
    }
    res.end(req.url === "/api/v1/apps" ? apps : "{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    name,
    port: (server.address() as AddressInfo).port,
    hold: () => new Promise((arrived) => (holding = { arrived })),
    release: () => {
      const answer = holding?.answer;
      holding = null;
      answer?.();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let agents: Agent[] = [];
let reads = 0; // the test's own statements, one per call
const lastChecks = async () => {
  reads++;
  const servers = await db().server.findMany({ select: { name: true, lastCheck: true } });
  return new Map(servers.map((s) => [s.name, s.lastCheck]));
};

beforeAll(async () => {
  initDb(process.env.DATABASE_URL!, { Client: counter.Client });
  agents = await Promise.all(["a1", "a2", "held"].map(startAgent));
  // Created in this order, polled in id order: "held" is the last to start.
  for (const a of agents) await db().server.create({ data: { name: a.name, ip: "127.0.0.1", port: a.port } });
  expect((await pollServers({}, { agent })).summary).toMatchObject({ updated: 3, failures: 0 });
});
afterAll(async () => {
  for (const a of agents) a.release();
  await Promise.all(agents.map((a) => a.close()));
});

describe("a cycle in which no reply changed", () => {
  it("touches what it knows while its last poll is still running, then the rest: five statements in all", async () => {
    const before = await lastChecks();
    const held = agents.find((a) => a.name === "held")!;
    const arrived = held.hold();
    counter.take();
    reads = 0;
    // One poll at a time: when the held server's poll starts, the two others are done.
    const cycle = pollServers({}, { agent, concurrency: 1 });
    await arrived;
    let now = await lastChecks();
    while (now.get("a1")!.getTime() === before.get("a1")!.getTime()) {
      await new Promise((resolve) => setTimeout(resolve, 20)); // the first touch is on its way
      now = await lastChecks();
    }
    expect(now.get("a2")!.getTime()).toBeGreaterThan(before.get("a2")!.getTime());
    expect(now.get("held")).toEqual(before.get("held")); // its reply has not arrived yet
    const [inFlight, readsByTheTest] = [counter.take(), reads]; // lastChecks goes through the same pool
    held.release();

    const { summary } = await cycle;
    const rest = counter.take();
    expect(summary).toMatchObject({ servers: 3, unchanged: 3, updated: 0, failures: 0 });
    expect((await lastChecks()).get("held")!.getTime()).toBeGreaterThan(before.get("held")!.getTime());
    // Before the reply: the servers, the status map, the first touch (and the test's own reads).
    expect(inFlight.byVerb).toEqual({ SELECT: 2 + readsByTheTest, UPDATE: 1 });
    // After: the second touch and the instance counts the metrics read, nothing else.
    expect(rest.byVerb).toEqual({ UPDATE: 1, WITH: 1 });
  });
});
