// A HAProxy server's status chart (docs/history.md, "Charts"): steps drawn from the status history a
// real sync keeps (simulated agent over HTTP), within the range's bounds, read through the API; and
// at a fleet's size the reads are keyed range scans on (haproxy_server_id, changed_at).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { config } from "@/server/config";
import { syncAllInstances } from "@/server/haproxy/sync";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import { MAX_STATUS_CHANGES, statusBefore, statusChanges } from "@/server/history/haproxy-status";
import { haproxyStatusCode } from "@/server/history/haproxy-status-code";
import { HAPROXY_STATUS_CODES } from "@/lib/history";
import { createContextInner } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import type { Simulator } from "@/tools/fagent-sim";
import { haproxyServer as server, startRegisteredFleet } from "./helpers/simulated-fleet";

let sim: Simulator;
let api: ReturnType<typeof createCaller>;

beforeAll(async () => {
  sim = await startRegisteredFleet({
    baseAddress: "127.0.96.5",
    port: 0,
    agents: [
      {
        name: "lb-host",
        haproxy: [
          { name: "lb", backends: [{ name: "be_web", servers: [server("web1", "UP", 1), server("web2", "UP", 0)] }] },
        ],
      },
    ],
  });
  const user = await db().user.create({ data: { login: "status-chart-viewer", passwordHash: "x", role: "viewer" } });
  api = createCaller(
    createContextInner({ kind: "user", id: user.id, login: user.login, displayName: null, role: "viewer" }),
  );
}, 120_000);

afterAll(async () => {
  setHaproxyOptions(undefined);
  await sim?.stop();
});

/** The chart's steps as (status name or null) per time, times in ms. */
const steps = (chart: Awaited<ReturnType<typeof api.history.haproxy>>) =>
  chart.timestamps.map((t, i) => {
    const v = chart.series[0]!.values[i];
    return [t * 1000, v === null || v === undefined ? null : chart.series[0]!.names![v]] as const;
  });

describe("a HAProxy server's status chart", () => {
  it("draws the status history a real sync wrote as steps, changes at the range's start in, at its end out", async () => {
    expect(await syncAllInstances()).toMatchObject({ ok: 1, failed: 0 });
    await sim.control.setHaproxyServer("lb-host", "lb", "be_web", "web1", { status: "DRAIN" });
    expect(await syncAllInstances()).toMatchObject({ ok: 1, failed: 0 });
    await sim.control.setHaproxyServer("lb-host", "lb", "be_web", "web1", { status: "DOWN 1/2" });
    expect(await syncAllInstances()).toMatchObject({ ok: 1, failed: 0 });

    const web1 = await db().hAProxyServer.findFirstOrThrow({ where: { serverName: "web1" } });
    const rows = await db().hAProxyServerStatusHistory.findMany({
      where: { haproxyServerId: web1.id },
      orderBy: { changedAt: "asc" },
    });
    expect(rows.map((r) => [r.oldStatus, r.newStatus])).toEqual([
      [null, "UP"],
      ["UP", "DRAIN"],
      ["DRAIN", "DOWN 1/2"],
    ]);
    const [up, drain, down] = rows.map((r) => r.changedAt.getTime()) as [number, number, number];

    const last = await api.history.haproxy({ chart: "server.status", id: web1.id, range: "1h" });
    expect(last).toMatchObject({ resolution: "events", keptDays: config().CLEAN_HAPROXY_STATUS_HISTORY_OLDER_THAN });
    expect(last.series[0]!.label).toBe("status");
    // Before the server was first seen nothing; "DOWN 1/2" counts as its leading word.
    expect(steps(last).map(([, s]) => s)).toEqual([null, "UP", "DRAIN", "DOWN", "DOWN"]);
    expect(
      steps(last)
        .slice(1, 4)
        .map(([t]) => t),
    ).toEqual([up, drain, down]);

    const custom = (from: number, to: number) =>
      api.history.haproxy({
        chart: "server.status",
        id: web1.id,
        range: "custom",
        from: new Date(from),
        to: new Date(to),
      });
    // A change at the range's start is in it; one at its end is not (the status before it holds).
    expect(steps(await custom(drain, down))).toEqual([
      [drain, "DRAIN"],
      [down, "DRAIN"],
    ]);
    // A range after every change: the last change before it holds throughout.
    expect(steps(await custom(down + 1, down + 60_000))).toEqual([
      [down + 1, "DOWN"],
      [down + 60_000, "DOWN"],
    ]);
    // A range that ends before the server was first seen has nothing to draw.
    const before = web1.createdAt.getTime() - 3_600_000;
    expect(await custom(before, before + 60_000)).toMatchObject({ timestamps: [], series: [] });

    // A server whose status never changed since it was first seen: its present status from then on.
    const web2 = await db().hAProxyServer.findFirstOrThrow({ where: { serverName: "web2" } });
    await db().hAProxyServerStatusHistory.deleteMany({ where: { haproxyServerId: web2.id } }); // as if pruned
    const quiet = await api.history.haproxy({ chart: "server.status", id: web2.id, range: "24h" });
    expect(steps(quiet).map(([, s]) => s)).toEqual([null, "UP", "UP"]);
  });

  it("reads a status by its leading word, one rule for the chart and the writer's samples", async () => {
    const statuses = ["UP", "UP 1/3", "NOLB", "DRAIN (agent)", "MAINT (via be/s)", "DOWN 1/2", "no check", "", null];
    const rows = await db().$queryRaw<{ status: string | null; code: number | null }[]>`
      SELECT status, ${haproxyStatusCode("status")} AS code FROM unnest(${statuses}::text[]) WITH ORDINALITY AS t(status, n) ORDER BY n`;
    const name = (code: number | null) => (code === null ? null : HAPROXY_STATUS_CODES[code]);
    expect(rows.map((r) => [r.status, name(r.code)])).toEqual([
      ["UP", "UP"],
      ["UP 1/3", "UP"],
      ["NOLB", "NOLB"],
      ["DRAIN (agent)", "DRAIN"],
      ["MAINT (via be/s)", "MAINT"],
      ["DOWN 1/2", "DOWN"],
      ["no check", "other"],
      ["", "other"],
      [null, null],
    ]);
  });

  it("refuses an unknown server and a chart without one", async () => {
    await expect(api.history.haproxy({ chart: "server.status", id: 999_999, range: "1h" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(api.history.haproxy({ chart: "server.status", range: "1h" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("reads through the (server, time) index at a fleet's size, bounded for a flapping server", async () => {
    // 2,000 servers with 30 changes each over 90 days, and one that flapped every second for an
    // hour, analyzed: the plan follows these statistics, not those a previous test left.
    const lb = await db().hAProxyInstance.findFirstOrThrow({ where: { name: "lb" } });
    const backend = await db().hAProxyBackend.create({ data: { haproxyInstanceId: lb.id, backendName: "be_seed" } });
    await db().$executeRaw`
      INSERT INTO haproxy_servers (backend_id, server_name, status, updated_at)
      SELECT ${backend.id}, 'seed-' || n, 'UP', now() FROM generate_series(1, 2000) AS n`;
    const seeded = await db().hAProxyServer.findMany({ where: { backendId: backend.id }, select: { id: true } });
    await db().$executeRaw`
      INSERT INTO haproxy_server_status_history (haproxy_server_id, old_status, new_status, changed_at)
      SELECT s.id, 'UP', CASE WHEN m % 2 = 0 THEN 'UP' ELSE 'DOWN' END,
        now()::timestamp(3) - (m * 3) * interval '1 day' + (s.id % 1440) * interval '1 minute'
      FROM haproxy_servers s, generate_series(1, 30) AS m WHERE s.backend_id = ${backend.id}`;
    const flapper = seeded[0]!.id;
    await db().$executeRaw`
      INSERT INTO haproxy_server_status_history (haproxy_server_id, old_status, new_status, changed_at)
      SELECT ${flapper}, 'UP', 'DOWN', now()::timestamp(3) - n * interval '1 second'
      FROM generate_series(1, 3000) AS n`;
    await db().$executeRaw`ANALYZE haproxy_servers, haproxy_server_status_history`;

    // The last change before the range: one backward step on the index, no sort.
    const now = Date.now();
    const planOf = async (sql: ReturnType<typeof statusBefore>) => {
      const [plan] = await db().$queryRaw<{ "QUERY PLAN": unknown }[]>`EXPLAIN (FORMAT JSON) ${sql}`;
      return JSON.stringify(plan).replace(/\\"/g, '"').replace(/\s/g, "");
    };
    const index = '"IndexName":"haproxy_server_status_history_haproxy_server_id_changed_at_idx"';
    const before = await planOf(statusBefore(flapper, now - 86_400_000));
    expect(before).not.toContain('"NodeType":"SeqScan"');
    expect(before).not.toContain('"NodeType":"Sort"');
    expect(before).toContain(`"ScanDirection":"Backward",${index}`);
    // The changes in the range: a scan of that index bounded by the server and both ends of the
    // range (the planner may sort the few rows it finds rather than walk them in order).
    const changes = await planOf(statusChanges(flapper, now - 30 * 86_400_000, now));
    expect(changes).not.toContain('"NodeType":"SeqScan"');
    expect(changes).toContain(index);
    expect(changes).toContain(`"IndexCond":"((haproxy_server_id=${flapper})AND(changed_at>=`);
    expect(changes).toMatch(/"IndexCond":"[^"]*AND\(changed_at<'/);

    const flapping = await api.history.haproxy({ chart: "server.status", id: flapper, range: "24h" });
    // The range's start, at most MAX_STATUS_CHANGES changes, its end.
    expect(flapping.timestamps.length).toBeLessThanOrEqual(MAX_STATUS_CHANGES + 2);
    expect(flapping.timestamps.length).toBeGreaterThan(MAX_STATUS_CHANGES);
  });
});
