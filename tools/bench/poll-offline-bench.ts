// Failed polls in bulk (docs/performance.md, "Failed polls"):
// `npx tsx tools/bench/poll-offline-bench.ts [servers=2000]`. A throwaway PostgreSQL,
// that many servers on 127.0.163.x whose agents refuse the connection (nothing listens on their
// ports), and two cycles: the first sets every one offline (a disconnect event each), the second
// finds them still offline. Statements are counted at the driver (sql-counter.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startEmbeddedPostgres } from "../db/embedded";
import { createDatabaseIfMissing, withDatabase } from "../db/ensure";
import { applyMigrations } from "../db/apply-migrations";
import { sqlCounter } from "./sql-counter";

const servers = Number(process.argv[2] ?? 2000);
if (!Number.isInteger(servers) || servers < 1 || servers > 50_000) throw new Error("servers: 1 to 50,000");
const root = path.resolve(import.meta.dirname, "../..");
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "ac-bench-pg-"));
fs.chmodSync(tempDir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its folder
const pg = await startEmbeddedPostgres({
  dataDir: path.join(tempDir, "data"),
  port: await freePort(),
  onServerMessage: () => undefined,
});
try {
  const url = withDatabase(pg.url, "bench_offline");
  await createDatabaseIfMissing(url);
  await applyMigrations(url, { migrationsDir: path.join(root, "prisma/migrations") });
  process.env.DATABASE_URL = url; // read by server/config.ts on first use, after this line
  const { initDb, db, closeDb } = await import("../../server/db");
  const { pollServers } = await import("../../server/inventory/poll-cycle");
  const counter = sqlCounter();
  initDb(url, { Client: counter.Client });
  // Port 9 (discard) and up on addresses nobody else uses: every connection is refused at once.
  const data = Array.from({ length: servers }, (_, i) => ({
    name: `off${i}`,
    ip: `127.0.163.${(i % 250) + 1}`,
    port: 9 + Math.floor(i / 250),
  }));
  await db().server.createMany({ data });
  const agent = { timeoutMs: 2000, maxResponseBytes: 256 * 1024, tokenHeader: "X-Agent-Token" };
  for (const cycle of ["first (every server goes offline)", "second (still offline)"]) {
    counter.take();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { summary } = await pollServers({}, { agent });
    const wallMs = Math.round(performance.now() - started);
    const { user, system } = process.cpuUsage(cpu);
    const sql = counter.take();
    console.log(
      `${cycle}: ${summary.offline} of ${summary.servers} offline, ${wallMs} ms, poller CPU ${((user + system) / 1e6).toFixed(2)} s, ${sql.statements} statements in ${sql.byVerb.BEGIN ?? 0} transactions, ${sql.rowsAffected} rows written`,
    );
  }
  await closeDb();
} finally {
  await pg.stop();
  fs.rmSync(tempDir, { recursive: true, force: true });
}
