// Instance counts for the metrics, aggregated once per full poll cycle rather than per scrape: at
// 500,000 instances the aggregate takes about half a second of PostgreSQL's time, a read of the
// stored result a few milliseconds (docs/performance.md, "Metrics scrape"). Instances change only
// through polling and update tasks, so the counts are as fresh as the cycle that wrote them.
import { db, Prisma } from "../db";

/** At most this many versions per group keep their own label; the rest count as "(other)". */
export const VERSIONS_PER_GROUP = 10;
const SNAPSHOT = "instance-counts";

export type InstanceRow = {
  kind: "catalog" | "group" | "version";
  name: string | null;
  status: string | null;
  version: string | null;
  beyond_cap: boolean;
  n: number;
  versions: number;
};

/**
 * One pass over application_instances: counts per (catalog, status), (group, status) and (group,
 * version) through GROUPING SETS, then each group's versions ranked by instances, the ones past
 * the cap summed into one row. Names are joined after the aggregation (a few thousand rows).
 */
export const instanceCountsSql = (versionCap: number) => Prisma.sql`
  WITH counts AS (
    SELECT CASE GROUPING(i.catalog_id, i.group_id, i.status) WHEN 2 THEN 'catalog' WHEN 4 THEN 'group' ELSE 'version' END AS kind,
      i.catalog_id, i.group_id, i.status::text AS status, COALESCE(i.version, i.tag) AS version, count(*)::int AS n
    FROM application_instances i
    GROUP BY GROUPING SETS ((i.catalog_id, i.status), (i.group_id, i.status), (i.group_id, COALESCE(i.version, i.tag)))
  ), ranked AS (
    SELECT *, kind = 'version' AND row_number() OVER (PARTITION BY kind, group_id ORDER BY n DESC, version) > ${versionCap} AS beyond_cap
    FROM counts
  )
  SELECT r.kind, CASE WHEN r.kind = 'catalog' THEN c.name ELSE g.name END AS name, r.status,
    CASE WHEN r.beyond_cap THEN NULL ELSE r.version END AS version, r.beyond_cap,
    sum(r.n)::int AS n, count(r.version)::int AS versions
  FROM ranked r
  LEFT JOIN application_catalog c ON c.id = r.catalog_id
  LEFT JOIN application_groups g ON g.id = r.group_id
  GROUP BY 1, 2, 3, 4, 5`;

/** The fleet's instances per status, for the dashboard: the catalog rows' sums (they cover every instance). */
const STATUS_TOTALS = "instance-status-totals";

/**
 * Aggregates and stores in one statement: nothing travels through this process. The same pass
 * leaves the dashboard's totals per status, which cost 90–300 ms a view counted live at 500,000
 * instances (docs/performance.md, "Inventory pages at 500,000 instances").
 */
export async function refreshInstanceCounts(now = new Date()): Promise<void> {
  await db().$executeRaw`
    WITH c AS MATERIALIZED (${instanceCountsSql(VERSIONS_PER_GROUP)}),
    counts AS (
      INSERT INTO metric_snapshots (name, rows, taken_at)
      SELECT ${SNAPSHOT}, coalesce(jsonb_agg(c), '[]'::jsonb), ${now}::timestamp(3) FROM c
      ON CONFLICT (name) DO UPDATE SET rows = EXCLUDED.rows, taken_at = EXCLUDED.taken_at)
    INSERT INTO metric_snapshots (name, rows, taken_at)
    SELECT ${STATUS_TOTALS}, coalesce(jsonb_object_agg(t.status, t.n), '{}'::jsonb), ${now}::timestamp(3)
    FROM (SELECT status, sum(n)::int AS n FROM c WHERE kind = 'catalog' GROUP BY status) t
    ON CONFLICT (name) DO UPDATE SET rows = EXCLUDED.rows, taken_at = EXCLUDED.taken_at`;
}

/** Instances per status as the last full poll cycle left them, if it ended after `since`. */
export async function readStatusTotals(since: Date): Promise<{ counts: Record<string, number>; takenAt: Date } | null> {
  const stored = await db().metricSnapshot.findUnique({ where: { name: STATUS_TOTALS } });
  return stored && stored.takenAt >= since
    ? { counts: stored.rows as Record<string, number>, takenAt: stored.takenAt }
    : null;
}

/** The counts of the last full poll cycle, and when they were taken; none before the first. */
export async function readInstanceCounts(): Promise<{ rows: InstanceRow[]; takenAt: Date | null }> {
  const stored = await db().metricSnapshot.findUnique({ where: { name: SNAPSHOT } });
  return { rows: (stored?.rows ?? []) as InstanceRow[], takenAt: stored?.takenAt ?? null };
}
