// Writes the metric history's raw samples (docs/history.md): after each HAProxy instance's sync
// (server/haproxy/sync.ts), after the scheduled sync of all and after each poll cycle
// (server/jobs/hooks.ts), set-based from what was just stored. Each write is two statements
// whatever the fleet's size: the series it needs (created once, ON CONFLICT), then one
// INSERT … SELECT of every sample. A sample's time is when it is written, so samples arrive in
// time order and a 5-minute bucket is complete once its end has passed (rollup.ts).
import { db, Prisma } from "../db";
import { HAPROXY_STATUS_CODES, HISTORY_KINDS as K } from "../../lib/history";
import { haproxyStatusCode } from "./haproxy-status-code";

const WRITE_TIMEOUT_MS = 60_000;

/** A SELECT of (kind, subject_id, label, value): the samples of one write. */
async function writeSamples(at: Date, samples: Prisma.Sql): Promise<number> {
  // One transaction: the cleanup job's series pruning (retention.ts) never sees a series created
  // here without its first sample. Prisma's 5 s default timed out at 20,000 servers on a loaded
  // machine, losing the cycle's samples (docs/performance.md); a background write may take longer.
  const [, written] = await db().$transaction(
    [
      db().$executeRaw`
      INSERT INTO history_series (kind, subject_id, label)
      SELECT DISTINCT kind, subject_id, label FROM (${samples}) AS s
      ON CONFLICT (kind, subject_id, label) DO NOTHING`,
      db().$executeRaw`
      INSERT INTO history_raw (series_id, ts, value)
      SELECT hs.id, ${at}::timestamp(3), s.value::real
      FROM (${samples}) AS s JOIN history_series hs USING (kind, subject_id, label)
      ON CONFLICT (series_id, ts) DO UPDATE SET value = EXCLUDED.value`,
    ],
    { timeout: WRITE_TIMEOUT_MS },
  );
  return written;
}

const STATUS_LABELS = Prisma.sql`unnest(${[...HAPROXY_STATUS_CODES]}::text[])`;

/** An instance's servers as the sync stored them, when its last sync succeeded (a failed one's state is stale). */
const syncedServers = (instances: Prisma.Sql) => Prisma.sql`
  SELECT s.id, s.backend_id, coalesce(s.current_sessions, 0) AS sessions,
    ${haproxyStatusCode("s.status")} AS code, s.status IS NOT NULL AS has_status
  FROM haproxy_servers s
  JOIN haproxy_backends b ON b.id = s.backend_id AND b.removed_at IS NULL
  JOIN haproxy_instances i ON i.id = b.haproxy_instance_id
  WHERE s.removed_at IS NULL AND i.is_active AND i.last_sync_success AND ${instances}`;

/**
 * After an instance's sync stored its servers, whoever started it (server/haproxy/sync.ts: the
 * scheduled sync and "Sync now" alike): each live server's sessions, and each of its backends'
 * servers per status (zeros included) and sessions. Not a server's status: its chart reads the
 * status history the sync keeps (haproxy-status.ts).
 */
export async function recordHaproxySamples(instanceIds: number[], at: Date): Promise<number> {
  if (instanceIds.length === 0) return 0;
  return writeSamples(
    at,
    Prisma.sql`
      WITH live AS MATERIALIZED (${syncedServers(Prisma.sql`i.id = ANY(${instanceIds}::int[])`)}),
      labelled AS (SELECT *, (${[...HAPROXY_STATUS_CODES]}::text[])[code + 1] AS label FROM live WHERE has_status),
      per_backend AS (SELECT backend_id, label, count(*) AS n FROM labelled GROUP BY 1, 2),
      backends AS (SELECT DISTINCT backend_id FROM live)
      SELECT ${K.haproxyServerSessions}::text AS kind, id AS subject_id, ''::text AS label, sessions::float8 AS value FROM live
      UNION ALL SELECT ${K.backendSessions}, backend_id, '', sum(sessions) FROM live GROUP BY backend_id
      UNION ALL SELECT ${K.backendServers}, b.backend_id, l.label, coalesce(c.n, 0)
        FROM backends b CROSS JOIN ${STATUS_LABELS} AS l(label)
        LEFT JOIN per_backend c ON c.backend_id = b.backend_id AND c.label = l.label`,
  );
}

/**
 * After the scheduled sync of all instances (server/jobs/hooks.ts): the fleet's servers per
 * status, of the instances whose sync succeeded since `since`, and the run's duration and failures.
 */
export async function recordSyncRunSamples(since: Date, at: Date, durationMs: number, failed: number): Promise<number> {
  return writeSamples(
    at,
    Prisma.sql`
      WITH per_status AS (
        SELECT code, count(*) AS n FROM (${syncedServers(Prisma.sql`i.last_sync_at >= ${since}::timestamp(3)`)}) AS s
        WHERE has_status GROUP BY code
      )
      SELECT ${K.fleetHaproxyServers}::text AS kind, 0 AS subject_id, l.label::text AS label,
        coalesce(sum(c.n), 0)::float8 AS value
        FROM ${STATUS_LABELS} WITH ORDINALITY AS l(label, place)
        LEFT JOIN per_status c ON c.code + 1 = l.place GROUP BY l.label
      UNION ALL SELECT ${K.jobDuration}, 0, 'sync', ${durationMs}::float8
      UNION ALL SELECT ${K.jobFailures}, 0, 'sync', ${failed}::float8`,
  );
}

/** A group's versions with their own series in one write; the rest count as OTHER_VERSIONS. */
export const VERSION_SERIES_PER_WRITE = 20;
/** Version series a group may have in all (pruned once their samples are: retention.ts). */
export const VERSION_SERIES_PER_GROUP = 1000;
export const OTHER_VERSIONS = "(other)";

/**
 * Each group's instances per version. The version is the agent's word, so a group's series are
 * bounded (docs/history.md, "What is recorded"): the VERSION_SERIES_PER_WRITE largest versions of
 * the cycle keep their own, a version without a series yet gets one only while the group has fewer
 * than VERSION_SERIES_PER_GROUP, and the rest are summed into OTHER_VERSIONS.
 */
const groupVersionSamples = Prisma.sql`
  SELECT ${K.groupVersions}, group_id,
    CASE WHEN place <= ${VERSION_SERIES_PER_WRITE} AND (known OR existing + fresh_place <= ${VERSION_SERIES_PER_GROUP})
      THEN label ELSE ${OTHER_VERSIONS} END,
    sum(n)
  FROM (
    SELECT r.*, coalesce(e.existing, 0) AS existing,
      row_number() OVER (PARTITION BY r.group_id, r.known ORDER BY r.place) AS fresh_place
    FROM (
      SELECT v.*, hs.id IS NOT NULL AS known,
        row_number() OVER (PARTITION BY v.group_id ORDER BY v.n DESC, v.label) AS place
      FROM (
        SELECT group_id, left(coalesce(version, tag, 'none'), 200) AS label, count(*) AS n
        FROM application_instances WHERE group_id IS NOT NULL GROUP BY 1, 2
      ) v
      LEFT JOIN history_series hs ON hs.kind = ${K.groupVersions} AND hs.subject_id = v.group_id AND hs.label = v.label
    ) r
    LEFT JOIN (
      SELECT subject_id, count(*) AS existing FROM history_series WHERE kind = ${K.groupVersions} GROUP BY 1
    ) e ON e.subject_id = r.group_id
  ) ranked
  GROUP BY 2, 3`;

/**
 * After a poll cycle: the fleet's servers and instances per status (every status, zeros included),
 * each group's instances per version (the version, or a docker instance's tag; bounded above), the
 * cycle's duration and failures.
 */
export async function recordPollSamples(at: Date, durationMs: number, failures: number): Promise<number> {
  return writeSamples(
    at,
    Prisma.sql`
      SELECT ${K.fleetServers}::text AS kind, 0 AS subject_id, l.label::text AS label,
        (SELECT count(*) FROM servers s WHERE s.status = l.label)::float8 AS value
        FROM unnest(enum_range(NULL::"ServerStatus")) AS l(label)
      UNION ALL SELECT ${K.fleetInstances}, 0, l.label::text,
        (SELECT count(*) FROM application_instances a WHERE a.status = l.label)
        FROM unnest(enum_range(NULL::"InstanceStatus")) AS l(label)
      UNION ALL ${groupVersionSamples}
      UNION ALL SELECT ${K.jobDuration}, 0, 'poll', ${durationMs}::float8
      UNION ALL SELECT ${K.jobFailures}, 0, 'poll', ${failures}::float8`,
  );
}
