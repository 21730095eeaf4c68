// The scaffolding the database benchmarks share (history-bench.ts, metrics-bench.ts): a throwaway
// PostgreSQL with AC's migrations and a seeded inventory that server/db.ts then uses, the HAProxy
// fleet they measure, and a run that always stops what it started.
import { reloadConfig } from "../../server/config";
import { closeDb, db } from "../../server/db";
import { applyMigrations } from "../db/apply-migrations";
import { startTemporaryPostgres, type EmbeddedPostgresHandle } from "../db/embedded";
import { createDatabaseIfMissing, withDatabase } from "../db/ensure";
import { seedInventory, type SeedOptions, type SeedResult } from "./seed-inventory";

let postgres: EmbeddedPostgresHandle | null = null;

/** Starts PostgreSQL, creates and migrates database `name`, seeds the inventory and points AC at it (no scheduler). */
export async function startBenchDatabase(
  name: string,
  inventory: Partial<SeedOptions>,
): Promise<{ url: string; seeded: SeedResult }> {
  postgres = await startTemporaryPostgres();
  const url = withDatabase(postgres.url, name);
  await createDatabaseIfMissing(url);
  await applyMigrations(url);
  const seeded = await seedInventory(url, inventory);
  process.env.DATABASE_URL = url;
  process.env.SCHEDULER_ENABLED = "false";
  reloadConfig();
  return { url, seeded };
}

/**
 * 20,000 HAProxy servers as a sync leaves them: 4 instances (on the first 4 servers) × 250 backends
 * × 20 servers, in every state, with sessions; `failedInstance` (1 to 4) is one whose last sync failed.
 */
export async function seedHaproxyFleet(options: { failedInstance?: number } = {}): Promise<void> {
  const failed = options.failedInstance ?? 0;
  await db().$executeRaw`
    INSERT INTO haproxy_instances (name, server_id, last_sync_at, last_sync_success, updated_at)
    SELECT 'lb' || n, n, now(), n <> ${failed}, now() FROM generate_series(1, 4) n`;
  await db().$executeRaw`
    INSERT INTO haproxy_backends (haproxy_instance_id, backend_name, updated_at)
    SELECT i.id, 'be_' || b, now() FROM haproxy_instances i, generate_series(1, 250) b`;
  await db().$executeRaw`
    INSERT INTO haproxy_servers (backend_id, server_name, status, current_sessions, updated_at)
    SELECT b.id, 'srv' || s, (ARRAY['UP','UP','UP','UP','UP','UP','DOWN','MAINT','DRAIN','UP 1/3'])[1 + (b.id + s) % 10], (b.id * s) % 50, now()
    FROM haproxy_backends b, generate_series(1, 20) s`;
}

/** Runs a benchmark's main: an error sets the exit code; the database client and PostgreSQL stop either way. */
export function runBench(main: () => Promise<void>): void {
  main()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(async () => {
      await closeDb();
      await postgres?.stop();
    });
}
