// The one Prisma client of the process. Cached on globalThis so dev reloads reuse it.
// Secrets never leave the database by accident: they are omitted unless a query asks.
import { PrismaPg } from "@prisma/adapter-pg";
import pg, { type PoolClient, type PoolConfig } from "pg";
import { config } from "./config";
import { PrismaClient } from "./generated/prisma/client";

/** `Client`: the pool's pg connection class; the polling benchmark passes one that counts statements. */
type PoolHooks = Pick<PoolConfig, "Client">;

/** How long a caller waits for a free connection, a query and a transaction alike. */
const CONNECTION_WAIT_MS = 30_000;

function createClient(pool: pg.Pool) {
  return new PrismaClient({
    adapter: new PrismaPg(pool),
    // Prisma's own 2 s wait to start a transaction failed transactions under load that a query
    // beside them survived (tests/integration/db-pool-wait.test.ts).
    transactionOptions: { maxWait: CONNECTION_WAIT_MS },
    omit: {
      user: { passwordHash: true, ssoRefreshToken: true },
      apiToken: { tokenHash: true },
      server: { agentToken: true },
      notificationChannel: { secrets: true },
    },
  });
}

export type Db = ReturnType<typeof createClient>;

const globalForDb = globalThis as unknown as { acDb?: Db; acPool?: pg.Pool; acPoolHooks?: PoolHooks };

function connect(url: string, hooks: PoolHooks = globalForDb.acPoolHooks ?? {}): Db {
  globalForDb.acPoolHooks = hooks;
  // A caller waits up to 30 s for a free connection (64 polls share 20), then gets an error.
  const pool = new pg.Pool({ connectionString: url, max: 20, connectionTimeoutMillis: CONNECTION_WAIT_MS, ...hooks });
  // An idle connection the server closed (a restart, an admin) is dropped by the pool; not fatal.
  pool.on("error", (error) => console.warn(`[db] an idle database connection was closed: ${error.message}`));
  globalForDb.acPool = pool;
  globalForDb.acDb = createClient(pool);
  return globalForDb.acDb;
}

/** The database client; DATABASE_URL must be set by then (the start script provides one). */
export function db(): Db {
  if (!globalForDb.acDb) {
    const url = config().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start AC with `npm start`, which provides a database");
    connect(url);
  }
  return globalForDb.acDb!;
}

/** The pool under the Prisma client, for the writes that run their own SQL (docs/architecture.md, "Data access"). */
export function dbPool(): pg.Pool {
  db();
  return globalForDb.acPool!;
}

/** A pg client inside a transaction: what the SQL write modules (`*-sql.ts`) take. */
export type PgTx = Pick<PoolClient, "query">;

/** BEGIN … COMMIT on a pooled pg client; a connection that failed mid-way is dropped, not reused. */
export async function pgTransaction<T>(work: (tx: PgTx) => Promise<T>): Promise<T> {
  const client = await dbPool().connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Closes the client and its pool (shutdown, the end of a test file); the next db() reconnects, with initDb's hooks. */
export async function closeDb(): Promise<void> {
  const { acDb, acPool } = globalForDb;
  delete globalForDb.acDb;
  delete globalForDb.acPool;
  await acDb?.$disconnect();
  await acPool?.end();
}

/** Creates the process's client with pool hooks (tools/bench); only before the first db(). */
export function initDb(url: string, hooks: PoolHooks): Db {
  if (globalForDb.acDb) throw new Error("initDb: the database client already exists");
  return connect(url, hooks);
}

export { Prisma } from "./generated/prisma/client";
