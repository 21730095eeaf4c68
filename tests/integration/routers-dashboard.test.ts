// system.overview as the dashboard uses it: counts, servers needing attention (offline first),
// recent changes, and the last poll cycle read from job_runs.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { refreshInstanceCounts } from "@/server/metrics/instance-counts";
import { callers, makeInstance, makeServer, type Callers } from "./inventory-fixtures";

let as: Callers;
let up: Awaited<ReturnType<typeof makeServer>>;
beforeAll(async () => {
  as = await callers();
  up = await makeServer("up-01", { status: "online" });
  await makeServer("zz-down", { status: "offline", lastError: "timeout" });
  await makeServer("aa-unknown", { status: "unknown" });
  await makeInstance(up.id, "api", 1, { status: "online" });
  await makeInstance(up.id, "api", 2, { status: "no_data" });
  await db().event.create({ data: { serverId: up.id, eventType: "connect", description: "up-01 answers" } });
  await db().applicationVersionHistory.create({
    data: {
      serverName: "up-01",
      instanceName: "api_1",
      oldVersion: "1",
      newVersion: "2",
      changedBy: "agent",
      changeSource: "polling",
    },
  });
});

describe("system.overview", () => {
  it("counts by status and lists servers needing attention, offline before unknown", async () => {
    const overview = await as.viewer.system.overview();
    expect(overview.servers).toEqual({ online: 1, offline: 1, unknown: 1 });
    expect(overview.instances).toEqual({ online: 1, no_data: 1 });
    expect(overview.attentionServers.map((s) => [s.name, s.status])).toEqual([
      ["zz-down", "offline"],
      ["aa-unknown", "unknown"],
    ]);
    expect(overview.recentEvents[0]).toMatchObject({ description: "up-01 answers", server: { name: "up-01" } });
    expect(overview.recentChanges[0]).toMatchObject({ serverName: "up-01", instanceName: "api_1", newVersion: "2" });
  });

  it("reports the last poll cycle from job_runs, tolerating a summary of another shape", async () => {
    expect((await as.viewer.system.overview()).lastPollCycle).toBeNull();
    const summary = {
      servers: 3,
      online: 2,
      offline: 1,
      unchanged: 1,
      updated: 1,
      failures: 1,
      versionChanges: 4,
      durationMs: 812,
    };
    await db().jobRun.create({
      data: { name: "poll-agents", lastRunAt: new Date(), lastOkAt: new Date(), durationMs: 812, summary },
    });
    const cycle = (await as.viewer.system.overview()).lastPollCycle!;
    expect(cycle).toMatchObject({ durationMs: 812, summary, overdue: false, lastError: null });
    await db().jobRun.update({
      where: { name: "poll-agents" },
      data: { summary: "garbage", lastRunAt: new Date(Date.now() - 3_600_000) },
    });
    expect((await as.viewer.system.overview()).lastPollCycle).toMatchObject({ summary: null, overdue: true });
  });

  it("takes instance counts from the last poll cycle while it is recent, and counts live otherwise", async () => {
    await refreshInstanceCounts(); // what a finished poll cycle runs (server/jobs/hooks.ts)
    await makeInstance(up.id, "api", 3, { status: "offline" }); // after the cycle: the next one shows it
    const fromCycle = await as.viewer.system.overview();
    expect(fromCycle.instances).toEqual({ online: 1, no_data: 1 });
    await db().metricSnapshot.update({
      where: { name: "instance-status-totals" },
      data: { takenAt: new Date(Date.now() - 3_600_000) }, // no cycle for an hour: the scheduler stopped
    });
    expect((await as.viewer.system.overview()).instances).toEqual({ online: 1, no_data: 1, offline: 1 });
  });
});
