// The metrics scrape benchmark (docs/performance.md, "Metrics scrape"):
// `npx tsx tools/bench/metrics-bench.ts [--servers 20000] [--instances 500000] [--runs 5]`.
// A throwaway PostgreSQL seeded with seed-inventory.ts, plus HAProxy backends, tasks and job
// durations; then the instance counts a full poll cycle stores, and scrape() (what GET
// /api/metrics runs after the token check) in this process, each run timed and its SQL statements
// counted at the pg driver; last, the instance aggregate again under EXPLAIN (ANALYZE, BUFFERS). Everything it starts is stopped on the way out.
import { parseArgs } from "node:util";
import { db, initDb, Prisma } from "../../server/db";
import { LABEL_CAPS, readFleetSnapshot } from "../../server/metrics/fleet-snapshot";
import { metrics } from "../../server/metrics/registry";
import { instanceCountsSql, refreshInstanceCounts, VERSIONS_PER_GROUP } from "../../server/metrics/instance-counts";
import { scrape } from "../../server/metrics/endpoint";
import { observeJobDuration } from "../../server/metrics/stored-histogram";
import { runBench, seedHaproxyFleet, startBenchDatabase } from "./bench-database";
import { sqlCounter } from "./sql-counter";

const { values: o } = parseArgs({
  options: {
    servers: { type: "string", default: "20000" },
    instances: { type: "string", default: "500000" },
    groups: { type: "string", default: "2500" },
    runs: { type: "string", default: "5" },
  },
});
const log = (line: string) => console.error(`[bench] ${line}`);

/** 4 HAProxy instances × 250 backends × 20 servers, in every state; 2,000 finished and running tasks. */
async function seedRest() {
  await seedHaproxyFleet({ failedInstance: 4 });
  await db().$executeRaw`
    INSERT INTO tasks (id, kind, status, target, parameters, created_by)
    SELECT gen_random_uuid(), 'update', (ARRAY['succeeded','succeeded','succeeded','failed','cancelled','interrupted','running','pending'])[1 + n % 8]::"TaskStatus", '{}', '{}', 'bench'
    FROM generate_series(1, 2000) n`;
  for (const job of ["poll-agents", "haproxy-sync", "heartbeat", "cleanup", "task-queue"])
    await observeJobDuration(job, 8200);
  await db().$executeRaw`VACUUM ANALYZE`;
}

async function main() {
  const { url, seeded } = await startBenchDatabase("ac_metrics_bench", {
    servers: Number(o.servers),
    instances: Number(o.instances),
    groups: Number(o.groups),
    bigGroup: 5000,
    events: 10_000,
    versionChanges: 10_000,
  });
  log(`seeded ${seeded.servers} servers, ${seeded.instances} instances, ${seeded.groups} groups in ${seeded.ms} ms`);
  const counter = sqlCounter();
  initDb(url, { Client: counter.Client });
  await seedRest();

  // What the poll job adds to each full cycle: the aggregate, stored (instance-counts.ts).
  const refreshes: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    await refreshInstanceCounts();
    refreshes.push(performance.now() - started);
  }
  log(`instance counts after a cycle: ${refreshes.map((ms) => ms.toFixed(0)).join(", ")} ms, 1 statement each`);

  await scrape(); // warm: connections, plans, prom-client
  counter.take();
  const runs: { ms: number; statements: number; bytes: number; series: number }[] = [];
  const perMetric: Record<string, number> = {};
  for (let run = 0; run < Number(o.runs); run++) {
    const started = performance.now();
    const body = await scrape();
    const ms = performance.now() - started;
    const samples = body.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
    const series = samples.length;
    for (const name of run === 0 ? samples.map((line) => line.split(/[{ ]/)[0]!) : [])
      perMetric[name] = (perMetric[name] ?? 0) + 1;
    runs.push({ ms, statements: counter.take().statements, bytes: Buffer.byteLength(body), series });
  }
  // Where a scrape's time goes: the database reads, then prom-client's collect and formatting.
  const snapshotStarted = performance.now();
  metrics().snapshot = await readFleetSnapshot();
  const formatStarted = performance.now();
  await metrics().registry.metrics();
  metrics().snapshot = null;
  log(
    `of which: snapshot ${(formatStarted - snapshotStarted).toFixed(0)} ms, collect and format ${(performance.now() - formatStarted).toFixed(0)} ms`,
  );
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      { seeded, caps: { ...LABEL_CAPS, versionsPerGroup: VERSIONS_PER_GROUP }, refreshes, runs, perMetric },
      null,
      2,
    ),
  );
  log(
    `scrape: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms (min ${sorted[0]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}), ` +
      `${runs[0]!.statements} statements, ${runs[0]!.series} samples, ${(runs[0]!.bytes / 1024).toFixed(0)} KB`,
  );
  const plan = await db().$queryRaw<{ "QUERY PLAN": string }[]>(
    Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${instanceCountsSql(VERSIONS_PER_GROUP)}`,
  );
  console.log(plan.map((row) => row["QUERY PLAN"]).join("\n"));
}

runBench(main);
