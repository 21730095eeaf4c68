// system.overview as the dashboard uses it: counts, servers needing attention (offline first),
// update tasks waiting for Continue, recent changes, and the last poll cycle read from job_runs.
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

  it("counts unfinished update tasks and lists the paused ones, longest waiting first", async () => {
    expect((await as.viewer.system.overview()).tasks).toEqual({ counts: {}, paused: [] });
    const plan = (group: string) => ({
      group: { id: 1, name: group },
      targetVersion: "2.0",
      strategy: "all_at_once",
      batchSize: null,
      batches: [],
      warnings: [],
      problems: [],
    });
    const task = (status: "running" | "paused" | "failed", group: string, pause: object | null) =>
      db().task.create({
        data: {
          kind: "update",
          status,
          target: { groupId: 1, instanceIds: [] },
          parameters: { targetVersion: "2.0" },
          createdBy: "olga",
          progress: { plan: plan(group), batches: [], pause },
        },
      });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    await task("running", "web", null);
    await task("failed", "web", null);
    const canary = await task("paused", "cart", { afterBatch: 0, reason: "canary", since: minuteAgo });
    const rollout = await task("paused", "shop", { afterBatch: 2, reason: "stage", since: hourAgo });

    const { tasks } = await as.viewer.system.overview();
    expect(tasks.counts).toEqual({ running: 1, paused: 2 });
    expect(tasks.paused).toEqual([
      { id: rollout.id, since: hourAgo, reason: "stage", group: "shop", createdBy: "olga" },
      { id: canary.id, since: minuteAgo, reason: "canary", group: "cart", createdBy: "olga" },
    ]);
    // The tasks list says since when each paused task waits.
    const listed = await as.viewer.tasks.list({ status: "paused" });
    expect(listed.items.map((t) => [t.id, t.pause?.since])).toEqual([
      [rollout.id, hourAgo],
      [canary.id, minuteAgo],
    ]);
    await db().task.deleteMany();
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
