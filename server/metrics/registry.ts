// AC's Prometheus metrics (docs/metrics.md): a registry of its own, not prom-client's global one,
// kept on globalThis so a dev reload neither registers a metric twice nor starts the process
// collectors again. Every fleet gauge is set when a scrape collects it, from the snapshot that
// scrape read (fleet-snapshot.ts); nothing is counted between scrapes in this process but the live
// streams, which server/live/stream-limits.ts counts anyway to enforce its limits.
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { openStreams, refusedStreams, STREAM_LIMITS } from "../live/stream-limits";
import { cycleCountsSchema } from "../inventory/poll-cycle";
import { POLL_ERROR_KINDS } from "../inventory/poll-server";
import type { Count, FleetSnapshot } from "./fleet-snapshot";
import { VERSIONS_PER_GROUP } from "./instance-counts";
import { JOB_DURATION_METRIC, storedHistogram } from "./stored-histogram";

const BREAKER_STATES = ["closed", "open", "half_open"] as const;
const seconds = (date: Date) => date.getTime() / 1000;

/** The last poll cycle's summary (job_runs, written by the poll job); rows from before failuresByKind read as none. */
const pollSummary = cycleCountsSchema.pick({ servers: true, failuresByKind: true });

type Metrics = { registry: Registry; snapshot: FleetSnapshot | null };

function createMetrics(): Metrics {
  const registry = new Registry();
  const metrics: Metrics = { registry, snapshot: null };
  collectDefaultMetrics({ register: registry, prefix: "ac_" });
  // Gauges named like counters, which `promtool check metrics` rejects; sum() of the per-type
  // gauges (ac_nodejs_active_handles{type}, …) gives the same totals.
  for (const name of ["handles", "requests", "resources"])
    registry.removeSingleMetric(`ac_nodejs_active_${name}_total`);

  const gauge = (name: string, help: string, labelNames: string[], counts: (s: FleetSnapshot) => Count[]) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        if (metrics.snapshot) for (const c of counts(metrics.snapshot)) this.set(c.labels, c.value);
      },
    });
  const perJob = (pick: (job: FleetSnapshot["jobs"][number]) => number | null) => (s: FleetSnapshot) =>
    s.jobs.flatMap((job) => {
      const value = pick(job);
      return value === null ? [] : [{ labels: { job: job.name }, value }];
    });
  const perHaproxy =
    (pick: (i: FleetSnapshot["haproxy"]["instances"][number]) => number | null) => (s: FleetSnapshot) =>
      s.haproxy.instances.flatMap((i) => {
        const value = pick(i);
        return value === null ? [] : [{ labels: { haproxy: i.label }, value }];
      });

  // Inventory
  gauge("ac_servers", "Servers by status.", ["status"], (s) => s.servers);
  gauge("ac_instances", "Application instances by status.", ["status"], (s) => s.instances.byStatus);
  gauge(
    "ac_catalog_instances",
    "Instances per catalog entry and status.",
    ["catalog", "status"],
    (s) => s.instances.byCatalog,
  );
  gauge("ac_group_instances", "Instances per group and status.", ["group", "status"], (s) => s.instances.byGroup);
  gauge(
    "ac_group_version_instances",
    `Instances per group and the version they run (at most ${VERSIONS_PER_GROUP} versions per group, the rest as (other)).`,
    ["group", "version"],
    (s) => s.instances.byGroupVersion,
  );
  gauge(
    "ac_instances_counted_timestamp_seconds",
    "When the instance counts were taken: the end of the last full poll cycle.",
    [],
    (s) => (s.instancesCountedAt ? [{ labels: {}, value: seconds(s.instancesCountedAt) }] : []),
  );
  gauge(
    "ac_group_versions",
    "Distinct versions reported in a group; above 1 the group drifts.",
    ["group"],
    (s) => s.instances.groupVersions,
  );

  // Polling and the other scheduled jobs
  gauge("ac_poll_servers", "Servers the last poll cycle polled.", [], (s) => {
    const summary = lastPollSummary(s);
    return summary ? [{ labels: {}, value: summary.servers }] : [];
  });
  gauge("ac_poll_failures", "Servers whose poll failed in the last cycle, by error kind.", ["kind"], (s) => {
    const summary = lastPollSummary(s);
    if (!summary) return [];
    const kinds = new Set<string>([...POLL_ERROR_KINDS, ...Object.keys(summary.failuresByKind)]);
    return [...kinds].map((kind) => ({ labels: { kind }, value: summary.failuresByKind[kind] ?? 0 }));
  });
  gauge(
    "ac_job_last_run_timestamp_seconds",
    "When a scheduled job last started, in any replica.",
    ["job"],
    perJob((j) => seconds(j.lastRunAt)),
  );
  gauge(
    "ac_job_last_success_timestamp_seconds",
    "When a scheduled job last finished without error, in any replica.",
    ["job"],
    perJob((j) => (j.lastOkAt ? seconds(j.lastOkAt) : null)),
  );
  gauge(
    "ac_job_last_duration_seconds",
    "How long a scheduled job's last run took.",
    ["job"],
    perJob((j) => (j.durationMs === null ? null : j.durationMs / 1000)),
  );
  gauge(
    "ac_job_failing",
    "1 when a scheduled job's last run failed.",
    ["job"],
    perJob((j) => (j.lastError ? 1 : 0)),
  );
  registry.registerMetric(
    storedHistogram({
      name: JOB_DURATION_METRIC,
      help: "Durations of scheduled job runs (poll-agents: a poll cycle; haproxy-sync: a sync of every instance), all replicas together.",
      labelName: "job",
      series: () => metrics.snapshot?.histograms.get(JOB_DURATION_METRIC) ?? [],
    }),
  );

  // HAProxy
  gauge(
    "ac_haproxy_servers",
    "Live HAProxy servers per backend and state.",
    ["haproxy", "backend", "state"],
    (s) => s.haproxy.servers,
  );
  gauge(
    "ac_haproxy_backend_sessions",
    "Current sessions of a backend's live servers, as of the last sync.",
    ["haproxy", "backend"],
    (s) => s.haproxy.sessions,
  );
  gauge(
    "ac_haproxy_last_sync_timestamp_seconds",
    "When an HAProxy instance was last synced.",
    ["haproxy"],
    perHaproxy((i) => (i.lastSyncAt ? seconds(i.lastSyncAt) : null)),
  );
  gauge(
    "ac_haproxy_last_sync_success",
    "1 when an active HAProxy instance's last sync succeeded, 0 when it failed.",
    ["haproxy"],
    perHaproxy((i) => (!i.active || i.lastSyncSuccess === null ? null : Number(i.lastSyncSuccess))),
  );
  // Breakers live in each replica's memory (server/haproxy/breaker.ts): this replica's.
  gauge(
    "ac_haproxy_breaker_state",
    "Circuit breaker of an HAProxy instance in this replica: 1 for its current state.",
    ["haproxy", "state"],
    (s) =>
      s.haproxy.instances.flatMap((i) => {
        const current = i.breaker;
        return BREAKER_STATES.map((state) => ({
          labels: { haproxy: i.label, state },
          value: Number(state === current),
        }));
      }),
  );

  // Update tasks and alerts
  gauge(
    "ac_tasks",
    "Tasks kept in the database by kind and status (CLEAN_TASKS_OLDER_THAN days).",
    ["kind", "status"],
    (s) => s.tasks,
  );
  gauge("ac_alerts_firing", "Alerts firing now, by severity.", ["severity"], (s) => s.alerts);

  // Live pages (docs/architecture.md, "Change feed"): this replica's streams, counted in its memory
  // (server/live/stream-limits.ts), not the snapshot's.
  new Gauge({
    name: "ac_live_streams",
    help: "Live streams (tRPC subscriptions over server-sent events) open in this replica.",
    registers: [registry],
    collect() {
      this.set(openStreams());
    },
  });
  new Counter({
    name: "ac_live_streams_refused_total",
    help: "Live streams this replica refused since it started, by the limit reached (per_actor: LIVE_MAX_STREAMS_PER_ACTOR, per_process: LIVE_MAX_STREAMS).",
    labelNames: ["limit"],
    registers: [registry],
    collect() {
      this.reset();
      const refused = refusedStreams();
      for (const limit of STREAM_LIMITS) this.inc({ limit }, refused[limit]);
    },
  });
  return metrics;
}

function lastPollSummary(s: FleetSnapshot) {
  const parsed = pollSummary.safeParse(s.jobs.find((j) => j.name === "poll-agents")?.summary);
  return parsed.success ? parsed.data : null;
}

const holder = globalThis as { acMetrics?: Metrics };

/** The process's metrics; the snapshot is the last scrape's. */
export const metrics = (): Metrics => (holder.acMetrics ??= createMetrics());
