// What one scrape of /api/metrics reads from PostgreSQL: a few small aggregates and the instance
// counts the poll job stored, whatever the fleet's size (docs/metrics.md, "Cost of a scrape").
// Label values are bounded here: catalog entries and groups are capped (versions per group in
// instance-counts.ts), the rest folded into "(other)", so a scrape never grows with the fleet.
import { isKnownStatus } from "../../lib/haproxy-status";
import { db } from "../db";
import type { BreakerState } from "../haproxy/breaker";
import { instanceBreakers } from "../haproxy/live";
import { firingAlertCounts } from "./firing-alerts";
import { readInstanceCounts, type InstanceRow } from "./instance-counts";
import { readStoredHistograms, type StoredSeries } from "./stored-histogram";

/** Bounds of the label sets (docs/metrics.md, "Cardinality"); the versions' is applied in instance-counts.ts. */
export const LABEL_CAPS = { catalogEntries: 5000, groups: 5000 };
/** Label values that are not names: no catalog entry / group / version, or beyond a cap. */
export const NONE = "(none)";
export const OTHER = "(other)";

export type Count = { labels: Record<string, string>; value: number };
export type HaproxyInstanceRow = {
  id: number;
  label: string;
  active: boolean;
  lastSyncAt: Date | null;
  lastSyncSuccess: boolean | null;
  /** The instance's circuit breaker, shared by the replicas in PostgreSQL (server/haproxy/breaker.ts). */
  breaker: BreakerState;
};
export type JobRunRow = {
  name: string;
  lastRunAt: Date;
  lastOkAt: Date | null;
  durationMs: number | null;
  summary: unknown;
  lastError: string | null;
};

export type FleetSnapshot = {
  servers: Count[];
  instances: {
    byStatus: Count[];
    byCatalog: Count[];
    byGroup: Count[];
    byGroupVersion: Count[];
    groupVersions: Count[];
  };
  /** When the poll job last counted the instances (instance-counts.ts); null before its first full cycle. */
  instancesCountedAt: Date | null;
  haproxy: { instances: HaproxyInstanceRow[]; servers: Count[]; sessions: Count[] };
  tasks: Count[];
  jobs: JobRunRow[];
  histograms: Map<string, StoredSeries[]>;
  alerts: Count[];
};

/** Keeps the `cap` names with the most instances; the others count as "(other)". */
function capNames(rows: InstanceRow[], cap: number): (name: string | null) => string {
  const totals = new Map<string, number>();
  for (const r of rows) if (r.name !== null) totals.set(r.name, (totals.get(r.name) ?? 0) + r.n);
  const kept = new Set(
    [...totals]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, cap)
      .map(([name]) => name),
  );
  return (name) => (name === null ? NONE : kept.has(name) ? name : OTHER);
}

/** Sums counts with equal labels (names folded into "(other)" meet there). */
function sumByLabels(entries: Count[]): Count[] {
  const sums = new Map<string, Count>();
  for (const e of entries) {
    const key = JSON.stringify(e.labels);
    const seen = sums.get(key);
    if (seen) seen.value += e.value;
    else sums.set(key, { labels: e.labels, value: e.value });
  }
  return [...sums.values()];
}

/** The instance gauges' series from the stored counts, names past the caps folded (pure; exported for tests). */
export function instanceCounts(rows: InstanceRow[], caps = LABEL_CAPS): FleetSnapshot["instances"] {
  const of = (kind: InstanceRow["kind"]) => rows.filter((r) => r.kind === kind);
  const catalog = capNames(of("catalog"), caps.catalogEntries);
  const group = capNames(of("group"), caps.groups);
  // Groups past the cap keep one series between them: their versions are not one group's.
  const versionLabel = (r: InstanceRow) => (r.beyond_cap || group(r.name) === OTHER ? OTHER : (r.version ?? NONE));
  return {
    byStatus: sumByLabels(of("catalog").map((r) => ({ labels: { status: r.status! }, value: r.n }))),
    byCatalog: sumByLabels(
      of("catalog").map((r) => ({ labels: { catalog: catalog(r.name), status: r.status! }, value: r.n })),
    ),
    byGroup: sumByLabels(of("group").map((r) => ({ labels: { group: group(r.name), status: r.status! }, value: r.n }))),
    byGroupVersion: sumByLabels(
      of("version").map((r) => ({ labels: { group: group(r.name), version: versionLabel(r) }, value: r.n })),
    ),
    // Distinct versions reported per group (none is not a version): above 1, the group drifts.
    groupVersions: sumByLabels(
      of("version")
        .filter((r) => group(r.name) !== OTHER)
        .map((r) => ({ labels: { group: group(r.name) }, value: r.versions })),
    ),
  };
}

/** Live HAProxy servers and their current sessions per backend and state (unknown states as "other"). */
async function readHaproxyCounts(): Promise<{ servers: Count[]; sessions: Count[] }> {
  const rows = await db().$queryRaw<
    { instance_id: number; backend: string; status: string | null; n: number; sessions: number }[]
  >`
    SELECT b.haproxy_instance_id AS instance_id, b.backend_name AS backend, s.status, count(*)::int AS n,
      coalesce(sum(s.current_sessions), 0)::float8 AS sessions
    FROM haproxy_servers s JOIN haproxy_backends b ON b.id = s.backend_id
    WHERE s.removed_at IS NULL AND b.removed_at IS NULL
    GROUP BY 1, 2, 3`;
  return {
    servers: rows.map((r) => ({
      labels: {
        haproxy: String(r.instance_id),
        backend: r.backend,
        state: isKnownStatus(r.status) ? r.status : "other",
      },
      value: r.n,
    })),
    sessions: rows.map((r) => ({ labels: { haproxy: String(r.instance_id), backend: r.backend }, value: r.sessions })),
  };
}

export async function readFleetSnapshot(): Promise<FleetSnapshot> {
  const [servers, instanceRows, haproxyCounts, haproxyInstances, tasks, jobs, histograms, alerts] = await Promise.all([
    db().server.groupBy({ by: ["status"], _count: { _all: true } }),
    readInstanceCounts(),
    readHaproxyCounts(),
    db().hAProxyInstance.findMany({
      select: {
        id: true,
        name: true,
        isActive: true,
        lastSyncAt: true,
        lastSyncSuccess: true,
        server: { select: { name: true } },
      },
      orderBy: { id: "asc" },
    }),
    db().task.groupBy({ by: ["kind", "status"], _count: { _all: true } }),
    db().jobRun.findMany({ orderBy: { name: "asc" } }),
    readStoredHistograms(),
    firingAlertCounts(),
  ]);
  const breakers = await instanceBreakers(haproxyInstances.map((i) => i.id));
  // HAProxy series are labelled "<server>/<instance>", as people read them on the pages.
  const labelOf = new Map(haproxyInstances.map((i) => [String(i.id), `${i.server.name}/${i.name}`]));
  const label = (id: string) => labelOf.get(id) ?? `instance ${id}`; // created between the two reads
  const named = (counts: Count[]) =>
    sumByLabels(counts.map((c) => ({ ...c, labels: { ...c.labels, haproxy: label(c.labels.haproxy!) } })));
  return {
    servers: servers.map((s) => ({ labels: { status: s.status }, value: s._count._all })),
    instances: instanceCounts(instanceRows.rows),
    instancesCountedAt: instanceRows.takenAt,
    haproxy: {
      instances: haproxyInstances.map((i) => ({
        id: i.id,
        label: label(String(i.id)),
        active: i.isActive,
        lastSyncAt: i.lastSyncAt,
        lastSyncSuccess: i.lastSyncSuccess,
        breaker: breakers.get(i.id)?.state ?? "closed",
      })),
      servers: named(haproxyCounts.servers),
      sessions: named(haproxyCounts.sessions),
    },
    tasks: tasks.map((t) => ({ labels: { kind: t.kind, status: t.status }, value: t._count._all })),
    jobs,
    histograms,
    alerts: alerts.map((a) => ({ labels: { severity: a.severity }, value: a.count })),
  };
}
