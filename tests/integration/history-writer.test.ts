// The history's writer after a real poll cycle and a real HAProxy sync (simulated agents over HTTP,
// docs/history.md, "What is recorded"): the hooks write one sample per series, with the values the
// jobs just stored; an instance whose sync failed writes nothing for its servers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { syncAllInstances, syncProgress } from "@/server/haproxy/sync";
import { pollServers } from "@/server/inventory/poll-cycle";
import { onHaproxySyncFinished, onPollCycleFinished } from "@/server/jobs/hooks";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import type { Simulator } from "@/tools/fagent-sim";
import { createContextInner } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import { HISTORY_KINDS as K } from "@/lib/history";
import {
  OTHER_VERSIONS,
  VERSION_SERIES_PER_GROUP,
  VERSION_SERIES_PER_WRITE,
  recordPollSamples,
} from "@/server/history/write";
import { dockerApp as docker, haproxyServer as server, startRegisteredFleet } from "./helpers/simulated-fleet";

let sim: Simulator;

/** kind → "subject/label" → value of the samples stored. */
async function stored(): Promise<Record<string, Record<string, number>>> {
  const rows = await db().$queryRaw<{ kind: string; key: string; value: number }[]>`
    SELECT s.kind, s.subject_id || '/' || s.label AS key, r.value
    FROM history_raw r JOIN history_series s ON s.id = r.series_id`;
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.kind] ??= {})[r.key] = r.value;
  return out;
}

beforeAll(async () => {
  sim = await startRegisteredFleet({
    baseAddress: "127.0.96.3",
    port: 0,
    agents: [
      { name: "app-1", apps: { docker: [docker("web_1", "3.1"), docker("web_2", "3.2", "exited")] } },
      {
        name: "lb-host",
        haproxy: [
          {
            name: "lb-ok",
            backends: [
              {
                name: "be_web",
                servers: [server("web1", "UP", 3), server("web2", "UP 1/3", 4), server("web3", "MAINT (via be/x)", 0)],
              },
              { name: "be_api", servers: [server("api1", "DOWN", 0)] },
            ],
          },
          { name: "lb-bad", backends: [{ name: "be_x", servers: [server("x1", "UP", 9)] }] },
        ],
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  setHaproxyOptions(undefined);
  await sim?.stop();
});

/** The simulated HAProxy servers' ids by name. */
const serverIds = async () =>
  Object.fromEntries(
    (await db().hAProxyServer.findMany({ select: { id: true, serverName: true } })).map((s) => [s.serverName, s.id]),
  );

/** lb-ok's servers' sessions as its sync stores them (the scenario above), keyed like `stored()`. */
const lbOkSessions = (ids: Record<string, number>) => ({
  [`${ids.web1}/`]: 3,
  [`${ids.web2}/`]: 4,
  [`${ids.web3}/`]: 0,
  [`${ids.api1}/`]: 0,
});

describe("after a poll cycle", () => {
  it("records the fleet's servers and instances per status, each group's versions and the cycle", async () => {
    const { summary } = await pollServers();
    await onPollCycleFinished({ ...summary, chunks: 1, replicas: ["test"] }); // as runPollCycle calls it
    const samples = await stored();
    expect(samples[K.fleetServers]).toEqual({ "0/online": 2, "0/offline": 0, "0/unknown": 0 });
    const instances = await db().applicationInstance.groupBy({ by: ["status"], _count: true });
    for (const { status, _count } of instances) expect(samples[K.fleetInstances]![`0/${status}`]).toBe(_count);
    expect(Object.values(samples[K.fleetInstances]!).reduce((a, b) => a + b, 0)).toBe(2);
    const groups = await db().applicationInstance.findMany({ select: { groupId: true, version: true } });
    expect(groups.every((g) => g.groupId !== null)).toBe(true);
    expect(samples[K.groupVersions]).toEqual(Object.fromEntries(groups.map((g) => [`${g.groupId}/${g.version}`, 1])));
    expect(samples[K.jobFailures]).toEqual({ "0/poll": 0 });
    expect(samples[K.jobDuration]!["0/poll"]).toBeGreaterThan(0);
  });
});

describe("after a HAProxy sync", () => {
  it("records each server's sessions (not its status), each backend's counts and the fleet's, not the failed instance", async () => {
    await sim.control.haproxyFault("lb-host", "lb-bad", { fault: "http500" });
    await db().$executeRaw`TRUNCATE history_raw`;
    const summary = await syncAllInstances();
    expect(summary).toMatchObject({ ok: 1, failed: 1 });
    await onHaproxySyncFinished(summary);

    const ids = await serverIds();
    const backends = Object.fromEntries(
      (await db().hAProxyBackend.findMany({ select: { id: true, backendName: true } })).map((b) => [
        b.backendName,
        b.id,
      ]),
    );
    const samples = await stored();
    // Per sync: 4 servers' sessions, 2 backends × (6 statuses + sessions), the fleet's 6 statuses,
    // the job's duration and failures. No server's status: its chart reads the status history.
    expect(Object.values(samples).reduce((n, kind) => n + Object.keys(kind).length, 0)).toBe(4 + 2 * 7 + 6 + 2);
    expect(samples[K.haproxyServerSessions]).toEqual(lbOkSessions(ids));
    expect(samples[K.haproxyServerStatus]).toBeUndefined();
    expect(await db().historySeries.count({ where: { kind: K.haproxyServerStatus } })).toBe(0);
    const counts = (backend: number, up: number, maint: number, down: number) => ({
      [`${backend}/UP`]: up,
      [`${backend}/NOLB`]: 0,
      [`${backend}/DRAIN`]: 0,
      [`${backend}/MAINT`]: maint,
      [`${backend}/DOWN`]: down,
      [`${backend}/other`]: 0,
    });
    expect(samples[K.backendServers]).toEqual({
      ...counts(backends.be_web!, 2, 1, 0),
      ...counts(backends.be_api!, 0, 0, 1),
    });
    expect(samples[K.backendSessions]).toEqual({ [`${backends.be_web}/`]: 7, [`${backends.be_api}/`]: 0 });
    expect(samples[K.fleetHaproxyServers]).toEqual(counts(0, 2, 1, 1));
    expect(samples[K.jobFailures]).toEqual({ "0/sync": 1 });
    expect(samples[K.jobDuration]!["0/sync"]).toBe(summary.durationMs);
  });
});

describe('after a "Sync now"', () => {
  it("records the instance's servers and backends as the scheduled sync does; the fleet's and the job's are the run's", async () => {
    await db().$executeRaw`TRUNCATE history_raw`;
    const admin = await db().user.create({ data: { login: "history-admin", passwordHash: "x", role: "admin" } });
    const api = createCaller(
      createContextInner({ kind: "user", id: admin.id, login: admin.login, displayName: null, role: "admin" }),
    );
    const lb = await db().hAProxyInstance.findFirstOrThrow({ where: { name: "lb-ok" } });
    const synced = (await db().hAProxyInstance.findUniqueOrThrow({ where: { id: lb.id } })).lastSyncAt;
    await api.haproxy.syncNow({ instanceId: lb.id });
    const deadline = Date.now() + 60_000;
    while (syncProgress(lb.id) !== null) {
      if (Date.now() > deadline) throw new Error("the sync did not finish");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const after = await db().hAProxyInstance.findUniqueOrThrow({ where: { id: lb.id } });
    expect(after.lastSyncSuccess).toBe(true);
    expect(after.lastSyncAt!.getTime()).toBeGreaterThan(synced!.getTime());

    const ids = await serverIds();
    const be = await db().hAProxyBackend.findFirstOrThrow({ where: { backendName: "be_web" } });
    const samples = await stored();
    expect(samples[K.haproxyServerSessions]).toEqual(lbOkSessions(ids));
    expect(samples[K.haproxyServerStatus]).toBeUndefined();
    expect(samples[K.backendSessions]![`${be.id}/`]).toBe(7);
    expect(samples[K.backendServers]![`${be.id}/UP`]).toBe(2);
    expect(samples[K.fleetHaproxyServers]).toBeUndefined();
    expect(samples[K.jobDuration]).toBeUndefined();
  });
});

describe("read through the API", () => {
  const viewer = async () => {
    const user = await db().user.upsert({
      where: { login: "history-viewer" },
      create: { login: "history-viewer", passwordHash: "x", role: "viewer" },
      update: {},
    });
    return createCaller(
      createContextInner({ kind: "user", id: user.id, login: user.login, displayName: null, role: "viewer" }),
    );
  };

  it("returns a HAProxy server's stored sessions, and refuses a chart without its subject or of an unknown name", async () => {
    const api = await viewer();
    const web1 = await db().hAProxyServer.findFirstOrThrow({ where: { serverName: "web1" } });
    const chart = await api.history.haproxy({ chart: "server.sessions", id: web1.id, range: "1h" });
    expect(chart).toMatchObject({ resolution: "raw", series: [{ label: "", values: [3] }] });
    await expect(api.history.haproxy({ chart: "server.sessions", range: "1h" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(api.history.fleet({ chart: "nope" as "servers", range: "1h" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(api.history.fleet({ chart: "servers", range: "1y" as "1h" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("refuses a custom range outside the years 1970 to 9999 as a bad request, not a database error", async () => {
    const api = await viewer();
    const ancient = new Date(Date.UTC(-200000, 0, 1));
    const far = new Date(Date.UTC(20000, 0, 1));
    for (const [from, to, message] of [
      [ancient, new Date(Date.UTC(-199999, 0, 1)), /from 1970 on/],
      [new Date(Date.UTC(19999, 11, 31)), far, /before the year 10000/],
    ] as const) {
      await expect(api.history.fleet({ chart: "servers", range: "custom", from, to })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(message),
      });
    }
    const instance = await db().applicationInstance.findFirstOrThrow({ where: { instanceName: "web_1" } });
    await expect(
      api.history.instance({ instanceId: instance.id, range: "custom", from: ancient, to: new Date(0) }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("draws an instance's status and version as steps from its events and version history", async () => {
    const api = await viewer();
    const instance = await db().applicationInstance.findFirstOrThrow({ where: { instanceName: "web_1" } });
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    await db().event.createMany({
      data: [
        { instanceId: instance.id, eventType: "stop", status: "offline", description: "stop", timestamp: at(30) },
        { instanceId: instance.id, eventType: "start", status: "online", description: "start", timestamp: at(20) },
      ],
    });
    await db().applicationVersionHistory.create({
      data: {
        instanceId: instance.id,
        serverName: "app-1",
        instanceName: "web_1",
        oldVersion: "3.0",
        newVersion: "3.1",
        changedAt: at(25),
        changedBy: "agent",
        changeSource: "polling",
      },
    });
    const chart = await api.history.instance({ instanceId: instance.id, range: "1h" });
    const [status, version] = chart.series;
    const named = (s: typeof status) => s!.values.map((v) => (v === null ? null : s!.names![v]));
    // Times: the range's start, 30, 25 and 20 minutes ago, the end.
    expect(chart.timestamps).toHaveLength(5);
    expect(named(status)).toEqual([null, "offline", "offline", "online", "online"]);
    expect(named(version)).toEqual([null, null, "3.1", "3.1", "3.1"]);
  });

  it("shows an instance without recorded changes at its present status and version since it was first seen", async () => {
    const api = await viewer();
    const instance = await db().applicationInstance.findFirstOrThrow({ where: { instanceName: "web_2" } });
    const chart = await api.history.instance({ instanceId: instance.id, range: "24h" });
    // Seen first within the range: nothing before that, then the present values to the range's end.
    expect(chart.timestamps).toEqual([chart.from, instance.createdAt.getTime() / 1000, chart.to]);
    const [status, version] = chart.series;
    const named = (s: typeof status) => s!.values.map((v) => (v === null ? null : s!.names![v]));
    expect(named(status)).toEqual([null, instance.status, instance.status]);
    expect(named(version)).toEqual([null, "3.2", "3.2"]);
  });
});

describe("a group's versions, as agents report them", () => {
  /** The group's version series: label → the value written at `at`. */
  async function versionSamples(groupId: number, at: Date) {
    const rows = await db().$queryRaw<{ label: string; value: number }[]>`
      SELECT s.label, r.value FROM history_series s
      LEFT JOIN history_raw r ON r.series_id = s.id AND r.ts = ${at}::timestamp(3)
      WHERE s.kind = ${K.groupVersions} AND s.subject_id = ${groupId}`;
    return new Map(rows.map((r) => [r.label, r.value]));
  }

  it("gives the largest versions of a cycle their own series and sums the rest, 500 distinct versions or not", async () => {
    const host = await db().server.create({ data: { name: "churn-host", ip: "127.0.96.9", port: 1 } });
    const group = await db().applicationGroup.create({ data: { name: "churn" } });
    // 500 instances, each with its own version, and 30 more on "2.0": the group's real release.
    const version = (i: number) => (i < 500 ? `0.hostile-${String(i).padStart(3, "0")}` : "2.0");
    await db().applicationInstance.createMany({
      data: Array.from({ length: 530 }, (_, i) => ({
        serverId: host.id,
        groupId: group.id,
        instanceName: `app-${i}`,
        appType: "service" as const,
        version: version(i),
      })),
    });
    const at = new Date("2026-11-30T10:00:00Z");
    await recordPollSamples(at, 1, 0);
    const first = await versionSamples(group.id, at);
    expect(first.size).toBe(VERSION_SERIES_PER_WRITE + 1); // and OTHER_VERSIONS
    expect(first.get("2.0")).toBe(30);
    expect(first.get(OTHER_VERSIONS)).toBe(500 - (VERSION_SERIES_PER_WRITE - 1));
    expect([...first.values()].reduce((a, b) => a + b, 0)).toBe(530); // every instance counted once

    // Next cycle, every hostile version is new again: the group's series in all stay bounded.
    await db().$executeRaw`
      INSERT INTO history_series (kind, subject_id, label)
      SELECT ${K.groupVersions}, ${group.id}, 'old-' || n
      FROM generate_series(1, ${VERSION_SERIES_PER_GROUP - first.size - 3}) AS n`;
    await db().$executeRaw`
      UPDATE application_instances SET version = version || '-b'
      WHERE group_id = ${group.id} AND version <> '2.0'`;
    const next = new Date(at.getTime() + 60_000);
    await recordPollSamples(next, 1, 0);
    const second = await versionSamples(group.id, next);
    expect(second.size).toBe(VERSION_SERIES_PER_GROUP);
    expect(second.get("2.0")).toBe(30); // a known version keeps its series
    const fresh = [...second.keys()].filter((label) => label.endsWith("-b"));
    expect(fresh).toHaveLength(3);
    expect(second.get(OTHER_VERSIONS)).toBe(500 - 3);
  });
});
