// Applies Prisma-format migrations (prisma/migrations/<timestamp>_<name>/migration.sql) and
// records them in `_prisma_migrations` exactly as `prisma migrate deploy` does, so the Prisma CLI
// (where it can run) agrees with this runner. It exists because the Prisma 7 CLI cannot run
// migrations offline (docs: /work/shared/prisma-offline.md); no npm package applies Prisma's
// format on its own (`prisma-migrations` wants up/down sections and the Prisma CLI).
//
// Differences from Prisma, on purpose: each migration runs in one transaction with its history
// row, so a failed migration leaves the database and the history as they were (Prisma would
// leave a "failed" row that needs `prisma migrate resolve`), and the next run simply retries.
// A migration.sql must therefore not hold its own BEGIN/COMMIT or CREATE INDEX CONCURRENTLY.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/** The key `prisma migrate` locks with, so this runner and the Prisma CLI exclude each other. */
const PRISMA_ADVISORY_LOCK_KEY = 72707369;
const LOCK_WAIT_MS = 5 * 60_000;

/** Prisma's own DDL for its history table (prisma-engines, postgres flavour). */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

export class MigrationError extends Error {}

export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

export interface ApplyMigrationsOptions {
  /** Defaults to prisma/migrations under the working directory (the repo root for npm scripts). */
  migrationsDir?: string;
  log?: (line: string) => void;
}

/** Prisma's checksum: sha256 of the migration.sql bytes, as lowercase hex. */
export function migrationChecksum(sql: string | Buffer): string {
  return createHash("sha256").update(sql).digest("hex");
}

/** Prisma accepts a file whose line endings git changed since it was applied; so do we. */
function matchesChecksum(sql: string, checksum: string): boolean {
  return [sql, sql.replaceAll("\r\n", "\n"), sql.replaceAll(/\r?\n/g, "\r\n")].some(
    (variant) => migrationChecksum(variant) === checksum,
  );
}

export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), "prisma", "migrations");
}

/** The migrations of a folder, in the order Prisma applies them (by folder name). */
export async function readMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  const entries = await fs.readdir(migrationsDir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new MigrationError(`The migrations folder ${migrationsDir} does not exist`);
    throw error;
  });
  const lock = await fs.readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8").catch(() => undefined);
  const provider = lock?.match(/^\s*provider\s*=\s*"([^"]*)"/m)?.[1];
  if (provider !== undefined && provider !== "postgresql") {
    throw new MigrationError(
      `${migrationsDir} holds migrations for "${provider}", not PostgreSQL (migration_lock.toml)`,
    );
  }
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, "migration.sql");
      const bytes = await fs.readFile(file).catch(() => {
        throw new MigrationError(`${file} is missing: every migration folder needs one`);
      });
      return { name, sql: bytes.toString("utf8"), checksum: migrationChecksum(bytes) };
    }),
  );
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/** Applies the migrations the database lacks; returns their names in the order applied. */
export async function applyMigrations(
  databaseUrl: string,
  options: ApplyMigrationsOptions = {},
): Promise<{ applied: string[] }> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(migrationsDir);

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await acquireLock(client, log);
    const history = await readHistory(client);
    const pending = pendingMigrations(migrations, history, migrationsDir);
    const applied: string[] = [];
    for (const migration of pending) {
      await applyOne(client, migration);
      log(`applied migration ${migration.name}`);
      applied.push(migration.name);
    }
    return { applied };
  } finally {
    // Closing the session releases the advisory lock too.
    await client.end();
  }
}

async function acquireLock(client: pg.Client, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
      PRISMA_ADVISORY_LOCK_KEY,
    ]);
    if (rows[0]?.locked) return;
    if (Date.now() > deadline) {
      throw new MigrationError(
        `Another migration run has held the migration lock for ${LOCK_WAIT_MS / 1000} s; giving up`,
      );
    }
    if (!told) log("waiting for another migration run to finish");
    told = true;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Creates the history table on a database that has nothing yet; refuses one that has other tables. */
async function readHistory(client: pg.Client): Promise<HistoryRow[]> {
  const { rows } = await client.query<{ table: string | null }>(
    "SELECT to_regclass('_prisma_migrations')::text AS table",
  );
  if (rows[0]?.table == null) {
    const { rows: existing } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') LIMIT 5`,
    );
    if (existing.length > 0) {
      throw new MigrationError(
        `The database is not empty (${existing.map((r) => r.name).join(", ")}...) and has no _prisma_migrations table: ` +
          `it was not created by these migrations. Point AC at an empty database, or baseline this one first.`,
      );
    }
    await client.query(CREATE_MIGRATIONS_TABLE);
    return [];
  }
  const history = await client.query<HistoryRow>(
    "SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY started_at",
  );
  return history.rows;
}

function pendingMigrations(
  migrations: LocalMigration[],
  history: HistoryRow[],
  migrationsDir: string,
): LocalMigration[] {
  const local = new Map(migrations.map((m) => [m.name, m]));
  const failed = history.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} failed in an earlier run (${failed.logs ?? "no log"}). ` +
        `Repair the database by hand, then mark it with \`prisma migrate resolve\` or delete its _prisma_migrations row.`,
    );
  }
  const applied = history.filter((row) => row.finished_at !== null && row.rolled_back_at === null);
  for (const row of applied) {
    const migration = local.get(row.migration_name);
    if (!migration) {
      throw new MigrationError(
        `The database has migration ${row.migration_name}, which is not in ${migrationsDir}: ` +
          `this code is older than the database, or the folder was renamed. Refusing to continue.`,
      );
    }
    if (!matchesChecksum(migration.sql, row.checksum)) {
      throw new MigrationError(
        `Migration ${row.migration_name} was changed after it was applied (checksum ${migration.checksum} ≠ ${row.checksum} in the database). ` +
          `Restore its migration.sql and put the change in a new migration.`,
      );
    }
  }
  const done = new Set(applied.map((row) => row.migration_name));
  return migrations.filter((m) => !done.has(m.name));
}

async function applyOne(client: pg.Client, migration: LocalMigration): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(
      "INSERT INTO _prisma_migrations (id, checksum, migration_name, applied_steps_count) VALUES ($1, $2, $3, 0)",
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    // now() is the transaction's start; Prisma's finished_at is the real end time.
    await client.query(
      "UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE migration_name = $1 AND finished_at IS NULL",
      [migration.name],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw new MigrationError(
      `Migration ${migration.name} failed and was rolled back: ${describeSqlError(error, migration.sql)}`,
    );
  }
}

function describeSqlError(error: unknown, sql: string): string {
  const e = error as { message?: string; position?: string };
  const position = Number(e.position);
  if (!Number.isInteger(position) || position < 1) return e.message ?? String(error);
  const line = sql.slice(0, position - 1).split("\n").length;
  return `${e.message} (migration.sql line ${line})`;
}
