// Databases for tests. The global setup (global-setup.ts) provides one PostgreSQL server per run
// and a template database with every migration applied; each test file gets its own copy
// (fresh-database.ts). Nothing here touches a server that is not on this machine.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL server (its maintenance database). */
    testDatabaseServerUrl: string;
    /** The migrated database every test database is copied from. */
    testDatabaseTemplate: string;
    /** Prefix of every database this run creates, so teardown can find leftovers. */
    testDatabasePrefix: string;
  }
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]", ""]);

/**
 * Refuses a database that is not on this machine: tests create, truncate and drop databases,
 * and a mistyped TEST_DATABASE_URL must not point that at a shared server (Dub's assert-local-database).
 */
export function assertLocalDatabaseUrl(url: string): void {
  const parsed = new URL(url);
  const host = decodeURIComponent(parsed.hostname);
  const socketHost = parsed.searchParams.get("host") ?? "";
  const local =
    LOCAL_HOSTS.has(host) ||
    host.startsWith("127.") ||
    (host === "" && (socketHost === "" || socketHost.startsWith("/")));
  if (!local) {
    throw new Error(
      `Refusing to run tests against ${parsed.host || socketHost}: test databases must be on this machine (localhost / 127.0.0.1)`,
    );
  }
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function withAdmin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  assertLocalDatabaseUrl(serverUrl);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(serverUrl: string, name: string, template?: string): Promise<void> {
  await withAdmin(serverUrl, (c) =>
    c.query(
      `CREATE DATABASE ${pg.escapeIdentifier(name)}${template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : ""}`,
    ),
  );
}

export async function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  await withAdmin(serverUrl, async (c) => {
    for (const name of names) {
      if (!name.startsWith("ac_test_")) throw new Error(`Refusing to drop ${name}: not a test database`);
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    }
  });
}

export async function databasesWithPrefix(serverUrl: string, prefix: string): Promise<string[]> {
  return withAdmin(serverUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
      [prefix],
    );
    return rows.map((r) => r.datname);
  });
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A new database on the run's server: a copy of the migrated template, or empty with
 * `{ migrated: false }` (for tests of the migrations themselves). Callable from any test.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject("testDatabaseServerUrl");
  const name = `${inject("testDatabasePrefix")}${randomBytes(4).toString("hex")}`;
  await createDatabase(serverUrl, name, options.migrated === false ? undefined : inject("testDatabaseTemplate"));
  return { name, url: databaseUrl(serverUrl, name), drop: () => dropDatabases(serverUrl, [name]) };
}

/**
 * Empties every table of the test file's database (DATABASE_URL) except the migration history,
 * restarting identities, for tests that want a clean slate between cases.
 */
export async function resetDatabase(url = process.env.DATABASE_URL): Promise<void> {
  if (!url) throw new Error("DATABASE_URL is not set: is tests/setup/fresh-database.ts in setupFiles?");
  assertLocalDatabaseUrl(url);
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name.startsWith("ac_test_")) throw new Error(`Refusing to empty ${name}: not a test database`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'",
    );
    // The audit log refuses TRUNCATE unless a session asks on purpose (its migration, docs/audit.md).
    await client.query("SET ac.audit_allow_truncate = on");
    if (rows.length > 0)
      await client.query(`TRUNCATE TABLE ${rows.map((r) => r.name).join(", ")} RESTART IDENTITY CASCADE`);
  } finally {
    await client.end();
  }
}
