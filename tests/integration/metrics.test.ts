// /api/metrics end to end: a fleet polled and synced for real (simulated agents over HTTP, the poll
// and HAProxy-sync jobs through the scheduler's recordJobRun), the route behind AC's own HTTP
// server, Debian's promtool on its output, and a real Prometheus that scrapes it with the bearer
// token and answers PromQL with the numbers the database holds (docs/metrics.md).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/metrics/route";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { trustedProxyMatcher } from "@/server/http/client-address";
import { createAcHttpServer } from "@/server/http/web-server";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import { syncAllInstances } from "@/server/haproxy/sync";
import { pollServers } from "@/server/inventory/poll-cycle";
import { recordJobRun } from "@/server/jobs/job-runs";
import { takeStreamSlot } from "@/server/live/stream-limits";
import { observeStored, readStoredHistograms } from "@/server/metrics/stored-histogram";
import { freePort } from "@/tools/db/embedded";
import type { Simulator } from "@/tools/fagent-sim";
import { startPrometheus, type PrometheusLab } from "./helpers/prometheus";
import { declaredMetrics, parseExposition, sampleValue } from "./helpers/exposition";
import { dockerApp as docker, haproxyServer as server, startRegisteredFleet } from "./helpers/simulated-fleet";

const TOKEN = randomBytes(32).toString("hex");
process.env.AC_METRICS_TOKEN = TOKEN;
reloadConfig();

let sim: Simulator;
let prometheus: PrometheusLab | null = null;
let http: ReturnType<typeof createAcHttpServer>;
let origin: string;

const scrape = (authorization?: string) =>
  GET(new Request("http://ac.test/api/metrics", { headers: authorization ? { authorization } : {} }));

beforeAll(async () => {
  sim = await startRegisteredFleet({
    baseAddress: "127.0.96.2",
    port: 0,
    agents: [
      {
        name: "app-1",
        apps: {
          // One group with twelve versions: more than the ten a group's version label keeps.
          docker: Array.from({ length: 12 }, (_, i) => docker(`drift_${i + 1}`, `1.0.${i}`)),
          service: [{ name: "billing-api_1", version: "2.0", status: "active" }],
        },
      },
      {
        name: "app-2",
        apps: {
          docker: [docker("web_1", "3.1"), docker("web_2", "3.1", "exited")],
          service: [{ name: "billing-api_2", version: "2.1", status: "active" }],
        },
      },
      // Answers ping, but its apps reply is cut-off JSON: a poll failure of kind invalid_json.
      { name: "broken", apps: { service: [{ name: "lost_1", version: "1.0", status: "active" }] } },
      {
        name: "lb-host",
        haproxy: [
          {
            name: "lb-sim",
            backends: [
              {
                name: "be_web",
                servers: [
                  server("web1", "UP", 3),
                  server("web2", "UP", 4),
                  server("web3", "MAINT", 0),
                  server("web4", "DRAIN", 1),
                  server("web5", "no check", 0),
                ],
              },
              { name: "be_api", servers: [server("api1", "DOWN", 0)] },
            ],
          },
          { name: "lb-bad", backends: [{ name: "be_x", servers: [server("x1", "UP", 0)] }] },
        ],
      },
    ],
  });
  // Nothing listens there: polled, it fails as "unreachable".
  await db().server.create({ data: { name: "dead", ip: "127.0.0.1", port: await freePort() } });
  await sim.control.haproxyFault("lb-host", "lb-bad", { fault: "http500" });
  await sim.control.fault("broken", { fault: "brokenJson" });

  await recordJobRun("poll-agents", async () => (await pollServers()).summary);
  await recordJobRun("haproxy-sync", syncAllInstances);
  await db().task.createMany({
    data: ["succeeded", "succeeded", "failed", "interrupted", "running"].map((status) => ({
      kind: "update",
      status: status as "succeeded",
      target: {},
      parameters: {},
      createdBy: "test",
    })),
  });

  http = createAcHttpServer(async (req, res) => {
    const response = await GET(new Request(`http://ac.test${req.url}`, { headers: req.headers as HeadersInit }));
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(await response.text());
  }, trustedProxyMatcher([]));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  origin = `127.0.0.1:${(http.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  setHaproxyOptions(undefined);
  await prometheus?.stop();
  await new Promise((resolve) => http?.close(resolve));
  await sim?.stop();
});

describe("access", () => {
  it("refuses a scrape without the token, with another token or another scheme", async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, TOKEN]) {
      const response = await scrape(authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="AC metrics"');
      expect(await response.text()).not.toContain("ac_servers");
    }
  });

  it("is off, with a message saying how to turn it on, while AC_METRICS_TOKEN is unset", async () => {
    delete process.env.AC_METRICS_TOKEN;
    reloadConfig();
    try {
      const response = await scrape(`Bearer ${TOKEN}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("set AC_METRICS_TOKEN");
    } finally {
      process.env.AC_METRICS_TOKEN = TOKEN;
      reloadConfig();
    }
  });

  it("answers the token in Prometheus's text format", async () => {
    const response = await scrape(`bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("values", () => {
  it("equal the fleet's numbers in the database", async () => {
    const samples = parseExposition(await (await scrape(`Bearer ${TOKEN}`)).text());
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);

    for (const row of await db().server.groupBy({ by: ["status"], _count: { _all: true } }))
      expect(value("ac_servers", { status: row.status })).toBe(row._count._all);
    expect(value("ac_servers", { status: "offline" })).toBe(1); // "dead"

    const instances = await db().applicationInstance.findMany({
      select: {
        status: true,
        group: { select: { name: true } },
        catalog: { select: { name: true } },
        version: true,
        tag: true,
      },
    });
    expect(instances).toHaveLength(16);
    const count = (test: (i: (typeof instances)[number]) => boolean) => instances.filter(test).length;
    for (const status of new Set(instances.map((i) => i.status))) {
      expect(value("ac_instances", { status })).toBe(count((i) => i.status === status));
      for (const group of new Set(instances.map((i) => i.group!.name)))
        expect(value("ac_group_instances", { group, status }) ?? 0).toBe(
          count((i) => i.status === status && i.group!.name === group),
        );
      for (const catalog of new Set(instances.map((i) => i.catalog!.name)))
        expect(value("ac_catalog_instances", { catalog, status }) ?? 0).toBe(
          count((i) => i.status === status && i.catalog!.name === catalog),
        );
    }

    // Counted by the poll job at the end of its cycle (instance-counts.ts), not by the scrape.
    const countedAt = (await db().metricSnapshot.findUniqueOrThrow({ where: { name: "instance-counts" } })).takenAt;
    expect(value("ac_instances_counted_timestamp_seconds")).toBe(countedAt.getTime() / 1000);

    // Versions: the ten most common of "drift" by name (one instance each), the other two folded.
    expect(value("ac_group_versions", { group: "drift" })).toBe(12);
    expect(value("ac_group_versions", { group: "billing-api" })).toBe(2);
    expect(value("ac_group_versions", { group: "web" })).toBe(1);
    const driftVersions = samples.filter((s) => s.name === "ac_group_version_instances" && s.labels.group === "drift");
    expect(driftVersions).toHaveLength(11);
    expect(value("ac_group_version_instances", { group: "drift", version: "(other)" })).toBe(2);
    expect(value("ac_group_version_instances", { group: "web", version: "3.1" })).toBe(2);

    // HAProxy: what the sync stored, per backend and state; unknown states as "other".
    const lb = { haproxy: "lb-host/lb-sim", backend: "be_web" };
    expect(value("ac_haproxy_servers", { ...lb, state: "UP" })).toBe(2);
    for (const state of ["MAINT", "DRAIN", "other"]) expect(value("ac_haproxy_servers", { ...lb, state })).toBe(1);
    expect(value("ac_haproxy_servers", { haproxy: "lb-host/lb-sim", backend: "be_api", state: "DOWN" })).toBe(1);
    expect(value("ac_haproxy_backend_sessions", lb)).toBe(8);
    expect(value("ac_haproxy_last_sync_success", { haproxy: "lb-host/lb-sim" })).toBe(1);
    expect(value("ac_haproxy_last_sync_success", { haproxy: "lb-host/lb-bad" })).toBe(0);
    expect(value("ac_haproxy_breaker_state", { haproxy: "lb-host/lb-bad", state: "open" })).toBe(1);
    expect(value("ac_haproxy_breaker_state", { haproxy: "lb-host/lb-sim", state: "closed" })).toBe(1);

    // The poll cycle's failures by kind, and the jobs' durations from the stored histogram.
    expect(value("ac_poll_servers")).toBe(5);
    expect(value("ac_poll_failures", { kind: "unreachable" })).toBe(1);
    expect(value("ac_poll_failures", { kind: "invalid_json" })).toBe(1);
    expect(value("ac_poll_failures", { kind: "timeout" })).toBe(0);
    for (const job of ["poll-agents", "haproxy-sync"]) {
      expect(value("ac_job_duration_seconds_count", { job })).toBe(1);
      expect(value("ac_job_duration_seconds_bucket", { job, le: "+Inf" })).toBe(1);
      expect(value("ac_job_failing", { job })).toBe(0);
    }
    for (const row of await db().task.groupBy({ by: ["kind", "status"], _count: { _all: true } }))
      expect(value("ac_tasks", { kind: row.kind, status: row.status })).toBe(row._count._all);
    expect(value("ac_process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});

describe("stored histograms", () => {
  it("add up observations made at once (replicas share the row), and start again when the bounds change", async () => {
    const values = [0.5, 1, 3, 3, 90, 0.2, 7, 7, 7, 2000];
    await Promise.all(values.map((v) => observeStored("test_seconds", "a", [1, 5, 60], v)));
    const [series] = (await readStoredHistograms()).get("test_seconds")!;
    expect(series).toEqual({
      series: "a",
      bounds: [1, 5, 60],
      counts: [3, 2, 3, 2], // ≤1, ≤5, ≤60, above: the +Inf bucket
      sum: values.reduce((a, b) => a + b, 0),
      count: 10,
    });
    await observeStored("test_seconds", "a", [1, 10], 4);
    expect((await readStoredHistograms()).get("test_seconds")).toEqual([
      { series: "a", bounds: [1, 10], counts: [0, 1, 0], sum: 4, count: 1 },
    ]);
  });
});

describe("live streams", () => {
  it("counts this replica's open streams, and the streams each limit refused", async () => {
    Object.assign(process.env, { LIVE_MAX_STREAMS_PER_ACTOR: "2", LIVE_MAX_STREAMS: "3" });
    reloadConfig();
    const user = (id: number) => ({ kind: "user", id, login: `u${id}`, displayName: null, role: "viewer" }) as const;
    const live = async () => {
      const samples = parseExposition(await (await scrape(`Bearer ${TOKEN}`)).text());
      return {
        open: sampleValue(samples, "ac_live_streams", {}),
        perActor: sampleValue(samples, "ac_live_streams_refused_total", { limit: "per_actor" }),
        perProcess: sampleValue(samples, "ac_live_streams_refused_total", { limit: "per_process" }),
      };
    };
    try {
      expect(await live()).toEqual({ open: 0, perActor: 0, perProcess: 0 });
      // The slots the subscriptions take (server/trpc/subscription.ts), through the same limits.
      const releases = [takeStreamSlot(user(1)), takeStreamSlot(user(1))];
      expect(() => takeStreamSlot(user(1))).toThrow(/the limit is 2/);
      releases.push(takeStreamSlot({ kind: "token", id: 9, name: "t", role: "viewer", ownerId: 2 }));
      expect(() => takeStreamSlot(user(3))).toThrow(/has 3 live streams open/);
      expect(() => takeStreamSlot(user(1))).toThrow(/the limit is 2/);
      expect(await live()).toEqual({ open: 3, perActor: 2, perProcess: 1 });
      releases.pop()!();
      expect(await live()).toEqual({ open: 2, perActor: 2, perProcess: 1 }); // a counter never goes down
      for (const release of releases) release();
      expect(await live()).toEqual({ open: 0, perActor: 2, perProcess: 1 });
    } finally {
      delete process.env.LIVE_MAX_STREAMS_PER_ACTOR;
      delete process.env.LIVE_MAX_STREAMS;
      reloadConfig();
    }
  });
});

describe("promtool and Prometheus", { timeout: 180_000 }, () => {
  it("passes promtool check metrics", async () => {
    const body = await (await scrape(`Bearer ${TOKEN}`)).text();
    const check = spawnSync("/usr/bin/promtool", ["check", "metrics"], {
      input: body,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(`${check.stdout}${check.stderr}`.trim()).toBe("");
    expect(check.status).toBe(0);
  });

  it("is scraped by a real Prometheus with the token, which answers PromQL with the fleet's numbers", async () => {
    const job = { target: origin, metricsPath: "/api/metrics" };
    prometheus = await startPrometheus([
      { name: "ac", ...job, bearerToken: TOKEN },
      { name: "ac-wrong-token", ...job, bearerToken: "not-the-token" },
    ]);
    // Over the last minute's scrapes, not the newest alone: one scrape that outlasts its 1 s timeout
    // on a loaded machine marks every series stale, and a plain query then finds none of them.
    const latest = (selector: string) => `last_over_time(${selector}[1m])`;
    const online = await db().server.count({ where: { status: "online" } });
    const [servers] = await prometheus.queryUntil(
      latest('ac_servers{job="ac",status="online"}'),
      (r) => r.length === 1,
    );
    expect(servers!.value).toBe(online);
    const [instances] = await prometheus.query(`sum(${latest('ac_group_instances{job="ac"}')})`);
    expect(instances!.value).toBe(await db().applicationInstance.count());
    const drifting = await prometheus.query(`${latest('ac_group_versions{job="ac"}')} > 1`);
    expect(drifting.map((s) => s.metric.group).sort()).toEqual(["billing-api", "drift"]);
    // With the token some scrape succeeded; without it, none ever did.
    const up = await prometheus.queryUntil("max_over_time(up[1m])", (r) => r.length === 2);
    expect(Object.fromEntries(up.map((s) => [s.metric.job, s.value]))).toEqual({ ac: 1, "ac-wrong-token": 0 });
  });

  it("validates the shipped alerting rules, and every metric the rules and the dashboard use exists", async () => {
    const check = spawnSync("/usr/bin/promtool", ["check", "rules", "docs/prometheus/ac-alerts.yml"], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const text = await (await scrape(`Bearer ${TOKEN}`)).text();
    const exposed = new Set([...parseExposition(text).map((s) => s.name), ...declaredMetrics(text)]);
    const used = (text: string) => new Set(text.match(/\bac_[a-z0-9_]+/g) ?? []);
    const dashboard = fs.readFileSync("docs/grafana/ac-dashboard.json", "utf8");
    const exprs = JSON.stringify(
      (JSON.parse(dashboard) as { panels: { targets?: { expr: string }[] }[] }).panels.flatMap((p) => p.targets ?? []),
    );
    for (const name of [...used(exprs), ...used(fs.readFileSync("docs/prometheus/ac-alerts.yml", "utf8"))])
      expect(exposed, `${name} is not exposed`).toContain(name);
  });
});
