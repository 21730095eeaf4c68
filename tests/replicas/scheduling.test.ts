// Three replicas on one database behind HAProxy (harness.ts): the poll cycle runs once per
// interval across them, every server is polled exactly once per cycle and never twice at once,
// and when the replica holding the cycle is killed (-9) the next cycle still comes in time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimStats } from "@/tools/fagent-sim/stats";
import { startReplicaSet, until, type ReplicaSet } from "./harness";

const INTERVAL = 10;
let set: ReplicaSet;

beforeAll(async () => {
  set = await startReplicaSet({
    replicas: 3,
    servers: 12,
    env: { POLLING_INTERVAL: String(INTERVAL), POLL_CHUNK_SIZE: "3", CONNECTION_TIMEOUT: "2" },
  });
});
afterAll(() => set?.stop());

type CycleRow = {
  id: string;
  state: string;
  slot: Date;
  created: Date;
  output: { skipped?: number; replicas?: string[] } | null;
};
const cycles = () =>
  set.query<CycleRow>(
    `SELECT id, state, singleton_on AS slot, created_on AS created, output FROM pgboss.job WHERE name = 'poll-agents' ORDER BY singleton_on`,
  );

/** Simulator stats read while no cycle runs, with the number of cycles completed by then. */
async function quietStats(): Promise<{ completed: number; stats: SimStats }> {
  const busy = async () =>
    (
      await set.query<{ busy: number; completed: number }>(
        `SELECT count(*) FILTER (WHERE state = 'active' OR (name = 'poll-chunk' AND state = 'created'))::int AS busy,
                count(*) FILTER (WHERE name = 'poll-agents' AND state = 'completed')::int AS completed
         FROM pgboss.job WHERE name IN ('poll-agents', 'poll-chunk')`,
      )
    )[0]!;
  return until("a moment between two cycles", async () => {
    const before = await busy();
    if (before.busy > 0) return null;
    const stats = await set.sim.control.stats();
    const after = await busy();
    return after.busy === 0 && after.completed === before.completed ? { completed: before.completed, stats } : null;
  });
}

const appsRequests = (stats: SimStats, agent: string) => stats.agents[agent]?.requests.apps ?? 0;

describe("replicas on one database", () => {
  it("a replica whose port another process holds exits with a message, not running unseen", async () => {
    const taken = set.replicas[0]!.port;
    const { code, output } = await set.startToExit(taken);
    expect(code).toBe(1);
    expect(output).toContain(`[ac] cannot listen on port ${taken}: another process is listening on it`);
    expect(output).not.toContain("scheduler started");
  });

  it("answer through the HAProxy front, every replica taking requests", async () => {
    for (let i = 0; i < 12; i++) expect((await fetch(`${set.front}/api/health`)).status).toBe(200);
    const sessions = Object.fromEntries((await set.haproxyStat()).map((row) => [row.svname, Number(row.stot)]));
    for (const replica of set.replicas) expect(sessions[replica.name], replica.name).toBeGreaterThan(0);
  });

  it("poll every server exactly once per cycle, never twice at once", async () => {
    const first = await quietStats();
    const before = new Set((await cycles()).map((cycle) => cycle.id));
    await until("three more cycles", async () => (await quietStats()).completed >= first.completed + 3);
    const last = await quietStats();
    const cyclesBetween = last.completed - first.completed;
    for (const agent of set.sim.agents) {
      expect(appsRequests(last.stats, agent.name) - appsRequests(first.stats, agent.name), agent.name).toBe(
        cyclesBetween,
      );
      expect(last.stats.agents[agent.name]?.maxInFlight.apps, agent.name).toBe(1);
    }
    const done = (await cycles()).filter((cycle) => cycle.state === "completed");
    const measured = done.filter((cycle) => !before.has(cycle.id));
    expect(measured.map((cycle) => cycle.output?.skipped)).toEqual(measured.map(() => 0));
    // One run per slot: no two cycles of the same interval.
    expect(new Set(done.map((cycle) => cycle.slot.getTime())).size).toBe(done.length);
  });

  it("start the next cycle within two intervals when the replica holding the cycle is killed (-9)", async () => {
    // Slow agents keep a cycle running for a few seconds, so the kill lands mid-cycle.
    for (const agent of set.sim.agents) await set.sim.control.fault(agent.name, { fault: "slow", ms: 1500 });
    const [{ now: slowFrom }] = (await set.query<{ now: Date }>("SELECT now()")) as [{ now: Date }];
    const killed = await until("a cycle with slow agents", async () =>
      (await cycles()).find((cycle) => cycle.state === "active" && cycle.created > slowFrom),
    );
    // Each replica logs the pg-boss job id of the cycle it runs.
    const holder = await until("the replica running it", async () =>
      set.replicas.find((replica) => replica.log().includes(`poll cycle ${killed.id} on ${replica.name}`)),
    );
    await holder.kill("SIGKILL");

    const next = await until("a cycle after the killed one", async () =>
      (await cycles()).find((cycle) => cycle.state === "completed" && cycle.slot > killed.slot),
    );
    expect(next.slot.getTime() - killed.slot.getTime()).toBeLessThanOrEqual(2 * INTERVAL * 1000);
    // Slow chunks are shared: both live replicas polled some of the cycle's servers.
    expect(next.output?.replicas).toEqual(set.replicas.filter((r) => r !== holder).map((r) => r.name));
    // The dead replica's run is failed by pg-boss's expiry, not left "active" for ever.
    await until("the killed cycle to expire", async () =>
      (await cycles()).some((cycle) => cycle.id === killed.id && cycle.state === "failed"),
    );
    const stats = await set.sim.control.stats();
    for (const agent of set.sim.agents) expect(stats.agents[agent.name]?.maxInFlight.apps, agent.name).toBe(1);
  });
});
