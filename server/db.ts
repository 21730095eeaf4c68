// The one Prisma client of the process. Cached on globalThis so dev reloads reuse it.
// Secrets never leave the database by accident: they are omitted unless a query asks.
import { PrismaPg } from "@prisma/adapter-pg";
import type { PoolConfig } from "pg";
import { config } from "./config";
import { PrismaClient } from "./generated/prisma/client";

/** `Client`: the pool's pg connection class; the polling benchmark passes one that counts statements. */
type PoolHooks = Pick<PoolConfig, "Client">;

function createClient(url: string, hooks: PoolHooks = {}) {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: 20, ...hooks }),
    omit: { user: { passwordHash: true }, apiToken: { tokenHash: true }, server: { agentToken: true } },
  });
}

export type Db = ReturnType<typeof createClient>;

const globalForDb = globalThis as unknown as { acDb?: Db };

/** The database client; DATABASE_URL must be set by then (the start script provides one). */
export function db(): Db {
  if (!globalForDb.acDb) {
    const url = config().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start AC with `npm start`, which provides a database");
    globalForDb.acDb = createClient(url);
  }
  return globalForDb.acDb;
}

/** Creates the process's client with pool hooks (tools/bench); only before the first db(). */
export function initDb(url: string, hooks: PoolHooks): Db {
  if (globalForDb.acDb) throw new Error("initDb: the database client already exists");
  globalForDb.acDb = createClient(url, hooks);
  return globalForDb.acDb;
}

export { Prisma } from "./generated/prisma/client";
