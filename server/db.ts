// The one Prisma client of the process. Cached on globalThis so dev reloads reuse it.
// Secrets never leave the database by accident: they are omitted unless a query asks.
import { PrismaPg } from "@prisma/adapter-pg";
import { config } from "./config";
import { PrismaClient } from "./generated/prisma/client";

function createClient(url: string) {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: 20 }),
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

export { Prisma } from "./generated/prisma/client";
