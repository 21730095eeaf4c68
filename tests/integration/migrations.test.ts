// The migrations are the schema: applied to an empty database they must build exactly what
// prisma/schema.prisma describes (Cal.com's drift check), and the runner must keep
// _prisma_migrations the way `prisma migrate deploy` does.
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { applyMigrations, readMigrations } from "@/tools/db/apply-migrations";
import { createDatabaseIfMissing } from "@/tools/db/ensure";
import { diffSchemas } from "@/tools/db/prisma6";
import { createTestDatabase, databaseUrl, dropDatabases, type TestDatabase } from "../setup/db-helpers";

const repo = path.resolve(import.meta.dirname, "../..");
const migrationsDir = path.join(repo, "prisma", "migrations");
const fileUrl = () => process.env.DATABASE_URL!;

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Everything about a schema that a migration can get wrong, in a form two databases can be compared by. */
async function describeSchema(url: string) {
  const notHistory = "<> '_prisma_migrations'";
  return {
    tables: await query(
      url,
      `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name ${notHistory} ORDER BY 1`,
    ),
    columns: await query(
      url,
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
        character_maximum_length, numeric_precision, numeric_scale, datetime_precision
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name ${notHistory} ORDER BY 1, 2`,
    ),
    enums: await query(
      url,
      `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname ORDER BY 1`,
    ),
    indexes: await query(
      url,
      `SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename ${notHistory} ORDER BY 1, 2`,
    ),
    constraints: await query(
      url,
      `SELECT c.conrelid::regclass::text AS table_name, c.conname, c.contype,
        pg_get_constraintdef(c.oid) AS definition, c.confdeltype, c.confupdtype
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = 'public' AND c.conrelid <> 0 AND c.conrelid::regclass::text ${notHistory} ORDER BY 1, 2`,
    ),
    sequences: await query(
      url,
      `SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences
      WHERE sequence_schema = 'public' ORDER BY 1`,
    ),
  };
}

/** A copy of the migrations folder that a test may change. */
async function copyOfMigrations(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ac-migrations-"));
  await fs.cp(migrationsDir, dir, { recursive: true });
  return dir;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: false });
  cleanups.push(db.drop);
  return db;
}
async function scratchFolder(): Promise<string> {
  const dir = await copyOfMigrations();
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("migrations", () => {
  it("build exactly the schema that prisma/schema.prisma describes (no drift)", async () => {
    const [fromMigrations, fromSchema] = await Promise.all([emptyDatabase(), emptyDatabase()]);
    await applyMigrations(fromMigrations.url, { migrationsDir });
    const schema = await fs.readFile(path.join(repo, "prisma", "schema.prisma"), "utf8");
    const { sql } = await diffSchemas(null, schema, fromSchema.url);
    await query(fromSchema.url, sql);

    const [expected, actual] = [await describeSchema(fromSchema.url), await describeSchema(fromMigrations.url)];
    expect(expected.tables.length).toBeGreaterThan(10);
    expect(expected.constraints.some((c) => c.contype === "f")).toBe(true);
    expect(actual).toEqual(expected);
  }, 60_000);

  it("are recorded in _prisma_migrations as prisma migrate deploy records them", async () => {
    const folders = (await fs.readdir(migrationsDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      started_at: Date;
      finished_at: Date | null;
      applied_steps_count: number;
      logs: string | null;
      rolled_back_at: Date | null;
    }>(fileUrl(), "SELECT * FROM _prisma_migrations ORDER BY migration_name");

    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    for (const row of rows) {
      const bytes = await fs.readFile(path.join(migrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("refuse to run when an applied migration's file was changed", async () => {
    const dir = await scratchFolder();
    const [first] = await readMigrations(dir);
    await fs.appendFile(path.join(dir, first!.name, "migration.sql"), "\n-- edited after it was applied\n");
    await expect(applyMigrations(fileUrl(), { migrationsDir: dir })).rejects.toThrow(
      /was changed after it was applied/,
    );
  });

  it("refuse to run when the database has a migration the folder lacks", async () => {
    const dir = await scratchFolder();
    const last = (await readMigrations(dir)).at(-1)!;
    await fs.rm(path.join(dir, last.name), { recursive: true });
    await expect(applyMigrations(fileUrl(), { migrationsDir: dir })).rejects.toThrow(/which is not in/);
  });

  it("accept a file whose line endings git changed (as Prisma does)", async () => {
    const dir = await scratchFolder();
    for (const { name, sql } of await readMigrations(dir)) {
      await fs.writeFile(path.join(dir, name, "migration.sql"), sql.replaceAll("\n", "\r\n"));
    }
    await expect(applyMigrations(fileUrl(), { migrationsDir: dir })).resolves.toEqual({ applied: [] });
  });

  it("roll a failing migration back entirely, history row included", async () => {
    const dir = await scratchFolder();
    await fs.mkdir(path.join(dir, "99990101000000_broken"));
    await fs.writeFile(
      path.join(dir, "99990101000000_broken", "migration.sql"),
      'CREATE TABLE "half_done" (id int);\nSELECT no_such_function();\n',
    );
    await expect(applyMigrations(fileUrl(), { migrationsDir: dir })).rejects.toThrow(
      /99990101000000_broken failed and was rolled back.*line 2/,
    );
    expect(await query(fileUrl(), "SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }]);
    expect(
      await query(fileUrl(), "SELECT 1 FROM _prisma_migrations WHERE migration_name = '99990101000000_broken'"),
    ).toEqual([]);
  });

  it("refuse a database that holds tables but no migration history", async () => {
    const db = await emptyDatabase();
    await query(db.url, "CREATE TABLE someone_elses (id int)");
    await expect(applyMigrations(db.url, { migrationsDir })).rejects.toThrow(/not empty/);
  });
});

describe("applyMigrations", () => {
  it("applies every migration once; a second run applies nothing", async () => {
    const db = await emptyDatabase();
    const all = (await readMigrations(migrationsDir)).map((m) => m.name);
    expect(await applyMigrations(db.url, { migrationsDir })).toEqual({ applied: all });
    expect(await applyMigrations(db.url, { migrationsDir })).toEqual({ applied: [] });
    expect(await query(db.url, "SELECT count(*)::int AS n FROM _prisma_migrations")).toEqual([{ n: all.length }]);
  });

  it("runs one at a time: concurrent runs apply each migration exactly once", async () => {
    const db = await emptyDatabase();
    const runs = await Promise.all([1, 2, 3].map(() => applyMigrations(db.url, { migrationsDir })));
    const applied = runs.flatMap((r) => r.applied).sort();
    expect(applied).toEqual((await readMigrations(migrationsDir)).map((m) => m.name));
  });

  it("lets replicas starting together on a new database create it once and migrate it once", async () => {
    const name = `${inject("testDatabasePrefix")}replicas`;
    const url = databaseUrl(inject("testDatabaseServerUrl"), name);
    cleanups.push(() => dropDatabases(inject("testDatabaseServerUrl"), [name]));
    // What each replica's start does (tools/db/ensure.ts, the release's migrate.mjs).
    const starts = await Promise.all(
      [1, 2, 3, 4].map(async () => ({
        created: await createDatabaseIfMissing(url),
        ...(await applyMigrations(url, { migrationsDir })),
      })),
    );
    expect(starts.filter((start) => start.created)).toHaveLength(1);
    expect(starts.flatMap((start) => start.applied).sort()).toEqual(
      (await readMigrations(migrationsDir)).map((m) => m.name),
    );
  });
});
