// The alert evaluation benchmark (docs/alerts.md, "Cost"): `npm run bench:alerts [-- --servers 20000]`.
// A throwaway PostgreSQL with a large inventory (seed-inventory.ts) plus HAProxy backends, every
// default rule enabled with `for` 0 and a webhook channel; then three evaluations: the first
// opens every condition as an alert, the second (an hour later) fires none new but notifies,
// the third is the steady state after a poll cycle. For each: statements sent (counted at the pg
// driver, sql-counter.ts) and wall time.
import { parseArgs } from "node:util";
import pg from "pg";
import { reloadConfig } from "../../server/config";
import { startTemporaryPostgres } from "../db/embedded";
import { createDatabaseIfMissing, withDatabase } from "../db/ensure";
import { applyMigrations } from "../db/apply-migrations";
import { seedInventory } from "./seed-inventory";
import { sqlCounter } from "./sql-counter";

const { values: o } = parseArgs({
  options: {
    servers: { type: "string", default: "20000" },
    instances: { type: "string", default: "100000" },
    backends: { type: "string", default: "500" },
  },
});
const log = (line: string) => console.error(`[bench] ${line}`);

const postgres = await startTemporaryPostgres();
try {
  const url = withDatabase(postgres.url, "ac_alerts_bench");
  await createDatabaseIfMissing(url);
  await applyMigrations(url);
  const servers = Number(o.servers);
  const seeded = await seedInventory(url, {
    servers,
    instances: Number(o.instances),
    bigGroup: 500,
    groups: Math.max(100, Math.floor(Number(o.instances) / 25)),
    events: 1000,
    versionChanges: 1000,
  });
  log(`seeded ${seeded.servers} servers, ${seeded.instances} instances, ${seeded.groups} groups in ${seeded.ms} ms`);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // HAProxy: one instance per 100 backends, 10 servers each, a tenth DOWN; every rule fires at once.
  await client.query(
    `
    INSERT INTO haproxy_instances (name, server_id, updated_at, last_sync_success, last_sync_error)
    SELECT 'lb' || g, g, now() AT TIME ZONE 'UTC', g % 2 = 0, CASE WHEN g % 2 = 0 THEN NULL ELSE 'timeout' END
    FROM generate_series(1, GREATEST(1, $1::int / 100)) g`,
    [Number(o.backends)],
  );
  await client.query(
    `
    INSERT INTO haproxy_backends (haproxy_instance_id, backend_name, updated_at)
    SELECT 1 + (g - 1) / 100, 'be' || g, now() AT TIME ZONE 'UTC' FROM generate_series(1, $1::int) g`,
    [Number(o.backends)],
  );
  await client.query(`
    INSERT INTO haproxy_servers (backend_id, server_name, status, updated_at)
    SELECT b.id, 's' || n, CASE WHEN (b.id + n) % 10 = 0 THEN 'DOWN' ELSE 'UP' END, now() AT TIME ZONE 'UTC'
    FROM haproxy_backends b CROSS JOIN generate_series(1, 10) n`);
  await client.query(`UPDATE alert_rules SET for_seconds = 0`);
  await client.query(`INSERT INTO notification_channels (name, type, settings, updated_at)
    VALUES ('bench', 'webhook', '{"url": "http://127.0.0.1:9/"}', now() AT TIME ZONE 'UTC')`);
  await client.query("ANALYZE");
  await client.end();

  process.env.DATABASE_URL = url;
  reloadConfig();
  const counter = sqlCounter();
  // The slowest statements of each evaluation, to see where its time goes.
  let timings: { ms: number; text: string }[] = [];
  class TimingClient extends counter.Client {
    override query(...args: unknown[]): never {
      const started = performance.now();
      const first = args[0] as string | { text?: string };
      const text = (typeof first === "string" ? first : (first?.text ?? "")).replace(/\s+/g, " ").slice(0, 90);
      const result = (super.query as (...a: unknown[]) => unknown)(...args);
      if (result instanceof Promise)
        void result.then(
          () => timings.push({ ms: performance.now() - started, text }),
          () => undefined,
        );
      return result as never;
    }
  }
  const { initDb, closeDb } = await import("../../server/db");
  initDb(url, { Client: TimingClient });
  const { evaluateAlerts } = await import("../../server/alerts/evaluate");
  const { stopBoss } = await import("../../server/jobs/boss");

  const start = Date.now();
  for (const [label, offset] of [
    ["first (every condition opens)", 0],
    ["an hour later (notifications)", 3600],
    ["steady state", 3660],
  ] as const) {
    counter.take();
    timings = [];
    const t0 = performance.now();
    const summary = await evaluateAlerts(new Date(start + offset * 1000));
    const ms = Math.round(performance.now() - t0);
    const tally = counter.take();
    log(
      `${label}: ${ms} ms, ${tally.statements} statements ${JSON.stringify(tally.byVerb)}, ${tally.rowsAffected} rows written`,
    );
    log(`  ${JSON.stringify(summary)}`);
    for (const t of timings.sort((a, b) => b.ms - a.ms).slice(0, 5)) log(`  ${Math.round(t.ms)} ms  ${t.text}`);
  }
  await stopBoss();
  await closeDb();
} finally {
  await postgres.stop();
}
