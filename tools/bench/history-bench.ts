// The metric history benchmark (docs/performance.md, "Metric history"):
// `npm run bench:history -- [--minutes 60] [--backends-30d 10] [--runs 40]`.
// A throwaway PostgreSQL with 20,000 HAProxy servers (4 instances × 250 backends × 20) and a fleet
// of 2,000 servers × 25 apps. The real writers (server/history/write.ts) record `minutes` syncs and
// poll cycles, one a minute, then the rollup job rolls them up; the tables' sizes
// (pg_total_relation_size, indexes included) give the disk cost per day. Then 30 days of 5-minute
// rollups for every series of `backends-30d` backends, written bucket after bucket as the job
// would, and the chart query (server/history/query.ts) over 30 days, timed: p95 per chart kind.
import { parseArgs } from "node:util";
import { db, Prisma } from "../../server/db";
import { haproxyStatusTimeline } from "../../server/history/haproxy-status";
import { readSeries } from "../../server/history/query";
import { rollUp } from "../../server/history/rollup";
import { recordHaproxySamples, recordPollSamples, recordSyncRunSamples } from "../../server/history/write";
import { HISTORY_KINDS as K, type ChartData } from "../../lib/history";
import { pruneTable } from "../../server/jobs/cleanup";
import { retentionRules } from "../../server/jobs/retention";
import { runBench, seedHaproxyFleet, startBenchDatabase } from "./bench-database";

const { values: o } = parseArgs({
  options: {
    minutes: { type: "string", default: "60" },
    "backends-30d": { type: "string", default: "10" },
    runs: { type: "string", default: "40" },
  },
});
const log = (line: string) => console.error(`[bench] ${line}`);
const MINUTE = 60_000;
const MB = 1024 * 1024;

/** One scheduled sync's samples: each instance's (as its sync writes them), then the run's. */
async function recordSync(at: Date): Promise<number> {
  const instances = (await db().hAProxyInstance.findMany({ select: { id: true } })).map((i) => i.id);
  let samples = 0;
  for (const id of instances) samples += await recordHaproxySamples([id], at);
  return samples + (await recordSyncRunSamples(new Date(0), at, 8000, 0));
}

const sizes = async () =>
  Object.fromEntries(
    (
      await db().$queryRaw<{ name: string; bytes: bigint; rows: bigint }[]>`
        SELECT t AS name, pg_total_relation_size(t::regclass) AS bytes,
          (xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM ' || t, false, true, '')))[1]::text::bigint AS rows
        FROM unnest(ARRAY['history_series', 'history_raw', 'history_5m', 'history_1h']) AS t`
    ).map((r) => [r.name, { bytes: Number(r.bytes), rows: Number(r.rows) }]),
  );

/** `minutes` writes one minute apart, the rollups after them; sizes per day from what they stored. */
async function measureDay(name: string, write: (at: Date) => Promise<number>, minutes: number, start: number) {
  await db().$executeRaw`TRUNCATE history_series, history_raw, history_5m, history_1h`;
  const times: number[] = [];
  let samples = 0;
  for (let i = 0; i < minutes; i++) {
    const started = performance.now();
    samples = await write(new Date(start + i * MINUTE));
    times.push(performance.now() - started);
  }
  const rolled = performance.now();
  await rollUp(new Date(start + minutes * MINUTE + 1000));
  const rollupMs = performance.now() - rolled;
  await db().$executeRaw`VACUUM ANALYZE history_series, history_raw, history_5m, history_1h`;
  const s = await sizes();
  const perDay = (table: string) => (s[table]!.bytes / minutes) * 1440;
  const sorted = [...times].sort((a, b) => a - b);
  const result = {
    samplesPerWrite: samples,
    writeMs: { median: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.floor(sorted.length * 0.95)] },
    rollupOfAllMinutesMs: rollupMs,
    bytesPerRawRow: s.history_raw!.bytes / s.history_raw!.rows,
    mbPerDay: { raw: perDay("history_raw") / MB, "5m": perDay("history_5m") / MB, "1h": perDay("history_1h") / MB },
    series: s.history_series!.rows,
  };
  log(`${name}: ${JSON.stringify(result)}`);
  return result;
}

/** 30 days of 5-minute rows for every series of the first `backends` backends, bucket after bucket. */
async function seedThirtyDays(backends: number, now: number) {
  const started = performance.now();
  await db().$executeRaw`
    CREATE TEMP TABLE picked AS
    SELECT hs.id FROM history_series hs
    WHERE (hs.kind = ${K.haproxyServerSessions}
        AND hs.subject_id IN (SELECT id FROM haproxy_servers WHERE backend_id <= ${backends}))
      OR (hs.kind IN (${K.backendServers}, ${K.backendSessions}) AND hs.subject_id <= ${backends})
      OR hs.kind = ${K.fleetHaproxyServers}`;
  await db().$executeRaw`TRUNCATE history_5m`;
  const rows = await db().$executeRaw`
    INSERT INTO history_5m (series_id, bucket, avg, min, max, last, samples)
    SELECT p.id, b, (p.id + n) % 50, 0, 50, (p.id::bigint * n) % 50, 5
    FROM generate_series(0, 30 * 288) n
    CROSS JOIN LATERAL (SELECT date_bin('5 minutes', ${new Date(now)}::timestamp(3), TIMESTAMP '2000-01-01') - n * interval '5 minutes' AS b) t
    CROSS JOIN picked p ORDER BY n DESC, p.id`;
  // And the same series' hours, as the rollup job leaves them: a 30-day chart reads these.
  await db().$executeRaw`TRUNCATE history_1h`;
  await db().$executeRaw`
    INSERT INTO history_1h (series_id, bucket, avg, min, max, last, samples)
    SELECT p.id, b, (p.id + n) % 50, 0, 50, (p.id::bigint * n) % 50, 60
    FROM generate_series(1, 30 * 24) n
    CROSS JOIN LATERAL (SELECT date_bin('1 hour', ${new Date(now)}::timestamp(3), TIMESTAMP '2000-01-01') - n * interval '1 hour' AS b) t
    CROSS JOIN picked p ORDER BY n DESC, p.id`;
  await db().$executeRaw`VACUUM ANALYZE history_5m, history_1h`;
  log(`30 days of 5-minute rows: ${rows} rows in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const s = await sizes();
  for (const table of ["history_5m", "history_1h"])
    log(
      `${table}: ${s[table]!.rows} rows, ${(s[table]!.bytes / MB).toFixed(0)} MB, ${(s[table]!.bytes / s[table]!.rows).toFixed(1)} bytes per row`,
    );
  return rows;
}

/**
 * Every HAProxy server's status history for 90 days (CLEAN_HAPROXY_STATUS_HISTORY_OLDER_THAN's
 * default), a change every 3 days, written in time order as syncs would: the status chart reads it.
 */
async function seedStatusHistory(now: number) {
  const rows = await db().$executeRaw`
    INSERT INTO haproxy_server_status_history (haproxy_server_id, old_status, new_status, changed_at)
    SELECT s.id, CASE WHEN n % 2 = 0 THEN 'DRAIN' ELSE 'UP' END, CASE WHEN n % 2 = 0 THEN 'UP' ELSE 'DRAIN' END,
      ${new Date(now)}::timestamp(3) - n * interval '3 days' + (s.id % 4320) * interval '1 minute'
    FROM generate_series(1, 30) n CROSS JOIN haproxy_servers s ORDER BY n DESC, s.id`;
  await db().$executeRaw`VACUUM ANALYZE haproxy_server_status_history`;
  const [size] = await db().$queryRaw<{ bytes: bigint; rows: bigint }[]>`
    SELECT pg_total_relation_size('haproxy_server_status_history') AS bytes, count(*) AS rows
    FROM haproxy_server_status_history`;
  log(
    `status history: ${size!.rows} rows, ${(Number(size!.bytes) / MB).toFixed(0)} MB, ${(Number(size!.bytes) / Number(size!.rows)).toFixed(1)} bytes per row (${rows} seeded)`,
  );
}

async function timeQueries(runs: number, backends: number, range: "30d" | "7d") {
  const servers = (
    await db().$queryRaw<{ id: number }[]>`SELECT id FROM haproxy_servers WHERE backend_id <= ${backends} ORDER BY id`
  ).map((r) => r.id);
  const series = (kind: string, subject: (i: number) => number) => (i: number) =>
    readSeries(kind, subject(i), { range });
  const charts: [string, (i: number) => Promise<ChartData>][] = [
    ["server sessions", series(K.haproxyServerSessions, (i) => servers[i % servers.length]!)],
    // From the status history (seedStatusHistory), not a series (docs/history.md).
    ["server status", (i) => haproxyStatusTimeline(servers[i % servers.length]!, { range })],
    ["backend servers by status (6 series)", series(K.backendServers, (i) => 1 + (i % backends))],
    ["fleet HAProxy servers by status (6 series)", series(K.fleetHaproxyServers, () => 0)],
  ];
  const out: Record<string, { p50: number; p95: number; max: number; points: number; resolution: string }> = {};
  for (const [name, read] of charts) {
    await read(0); // warm
    const times: number[] = [];
    let [points, resolution] = [0, ""];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const data = await read(i);
      times.push(performance.now() - started);
      [points, resolution] = [data.timestamps.length, data.resolution];
    }
    times.sort((a, b) => a - b);
    out[name] = {
      p50: times[Math.floor(runs / 2)]!,
      p95: times[Math.min(runs - 1, Math.ceil(runs * 0.95) - 1)]!,
      max: times.at(-1)!,
      points,
      resolution,
    };
    log(
      `${range} chart, ${name}: p50 ${out[name].p50.toFixed(1)} ms, p95 ${out[name].p95.toFixed(1)} ms, ${points} points of ${resolution}`,
    );
  }
  return out;
}

async function main() {
  await startBenchDatabase("ac_history_bench", {
    servers: 2000,
    instances: 50_000,
    groups: 1200,
    events: 0,
    versionChanges: 0,
  });
  await seedHaproxyFleet();
  await db().$executeRaw`VACUUM ANALYZE`;
  const minutes = Number(o.minutes);
  const start = Date.now() - (minutes + 10) * MINUTE;
  const haproxy = await measureDay("HAProxy, 20,000 servers synced every 60 s", recordSync, minutes, start);
  // The cleanup's batches on the raw table, all its rows past retention (49 h on).
  const pruneStarted = performance.now();
  const rawRule = retentionRules.find((rule) => rule.table === "history_raw")!;
  const pruned = await pruneTable(rawRule, new Date(start + 49 * 60 * MINUTE), { batchSize: 1000, maxBatches: 0 });
  const pruneMs = performance.now() - pruneStarted;
  log(
    `prune of history_raw: ${pruned.deleted} rows in batches of 1000, ${(pruneMs / (pruned.deleted / 1000)).toFixed(1)} ms per batch`,
  );
  const poll = await measureDay(
    "poll, 2,000 servers × 25 apps every 60 s",
    (at) => recordPollSamples(at, 9000, 3),
    minutes,
    start,
  );
  // The HAProxy series again, for the chart queries.
  await measureDay("HAProxy (series for the queries)", recordSync, 1, start);
  const backends = Number(o["backends-30d"]);
  const rows30d = await seedThirtyDays(backends, Date.now());
  await seedStatusHistory(Date.now());
  const queries = {
    "30d": await timeQueries(Number(o.runs), backends, "30d"),
    "7d": await timeQueries(Number(o.runs), backends, "7d"),
  };
  const [server] = await db().$queryRaw<{ id: number }[]>`
    SELECT hs.id FROM history_series hs WHERE kind = ${K.backendServers} AND subject_id = 1 LIMIT 1`;
  const plan = await db().$queryRaw<{ "QUERY PLAN": string }[]>(
    Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM history_5m WHERE series_id = ${server!.id}
      AND bucket >= now()::timestamp(3) - interval '30 days'`,
  );
  console.log(JSON.stringify({ haproxy, poll, rows30d, queries }, null, 2));
  console.log(plan.map((row) => row["QUERY PLAN"]).join("\n"));
}

runBench(main);
