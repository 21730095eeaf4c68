// Gets AC a migrated database before it starts: the server of DATABASE_URL when set, otherwise
// the embedded PostgreSQL kept in <repo>/.data/postgres. One log line per step.
import path from "node:path";
import pg from "pg";
import { config } from "../../server/config";
import { redactUrlCredentials } from "../../server/security/redact-url";
import { startEmbeddedPostgres } from "./embedded";
import { applyMigrations } from "./apply-migrations";

export const EMBEDDED_DEFAULT_PORT = 54329;
const EMBEDDED_DATABASE = "ac";

export interface EnsureDatabaseOptions {
  /** Port of the embedded server; EMBEDDED_DEFAULT_PORT unless the caller has a setting for it. */
  embeddedPort?: number;
  /** Defaults to <working directory>/.data/postgres: npm scripts and Next run from the repo root. */
  embeddedDataDir?: string;
  migrationsDir?: string;
  log?: (line: string) => void;
}

export interface EnsuredDatabase {
  url: string;
  embedded: boolean;
  /** Migrations this call applied. */
  applied: string[];
  /** Stops the embedded server this call started; nothing otherwise. */
  stop(): Promise<void>;
}

export async function ensureDatabase(options: EnsureDatabaseOptions = {}): Promise<EnsuredDatabase> {
  const log = options.log ?? ((line: string) => console.log(`[db] ${line}`));
  const configured = config().DATABASE_URL;

  let url: string;
  let stop = async () => {};
  if (configured) {
    url = configured;
    log(`using the PostgreSQL of DATABASE_URL (${redactUrlCredentials(url)})`);
    if (await createDatabaseIfMissing(url)) log(`created database "${databaseName(url)}"`);
  } else {
    const dataDir = options.embeddedDataDir ?? path.join(process.cwd(), ".data", "postgres");
    const port = options.embeddedPort ?? EMBEDDED_DEFAULT_PORT;
    const server = await startEmbeddedPostgres({ dataDir, port });
    stop = server.stop;
    const how = server.alreadyRunning
      ? server.alreadyRunning === "shared"
        ? "was already running (started by another AC process, which keeps it)"
        : "was already running, orphaned by a killed process (adopted: stopped with this one)"
      : server.initialised
        ? "started with a new cluster"
        : "started with its existing cluster";
    log(
      `embedded PostgreSQL in ${path.relative(process.cwd(), dataDir) || dataDir} ${how} on 127.0.0.1:${server.port}`,
    );
    url = withDatabase(server.url, EMBEDDED_DATABASE);
    try {
      if (await createDatabaseIfMissing(url)) log(`created database "${EMBEDDED_DATABASE}"`);
    } catch (error) {
      await stop();
      throw error;
    }
  }

  try {
    const { applied } = await applyMigrations(url, { migrationsDir: options.migrationsDir });
    log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "migrations up to date");
    return { url, embedded: !configured, applied, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Creates the database a URL names when it does not exist; true when it did. Asks the server's
 * `postgres` database first (connecting to a missing database would log a FATAL line).
 */
export async function createDatabaseIfMissing(url: string): Promise<boolean> {
  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, "postgres") });
  try {
    await admin.connect();
  } catch {
    // No access to `postgres`: the database must exist already, or nothing can be done.
    await admin.end().catch(() => {});
    const probe = new pg.Client({ connectionString: url });
    try {
      await probe.connect();
      return false;
    } finally {
      await probe.end().catch(() => {});
    }
  }
  try {
    const { rows } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rows.length > 0) return false;
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Created meanwhile by another process (replicas starting together): 42P04, or 23505 when the
    // two CREATE DATABASE statements raced for pg_database's unique index.
    if (code === "42P04" || code === "23505") return false;
    if (code === "42501") {
      throw new Error(
        `Database "${name}" does not exist and the user of DATABASE_URL may not create it: create it, or grant CREATEDB`,
      );
    }
    throw error;
  } finally {
    await admin.end();
  }
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}
