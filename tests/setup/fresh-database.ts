// Runs before each test file's own imports: gives the file a database of its own, copied from
// the run's migrated template, and points DATABASE_URL at it. server/config.ts reads the
// environment on first use and server/db.ts connects on the first db() call, so the app code the
// test imports uses this database. Dropped after the file, once the Prisma client is closed.
import { afterAll } from "vitest";
import { createTestDatabase } from "./db-helpers";

const database = await createTestDatabase();
process.env.DATABASE_URL = database.url;

afterAll(async () => {
  // The client and pool server/db.ts caches on globalThis, if the file created them (closeDb's work,
  // without importing server/db here: that would load the app before the file's own imports).
  const holder = globalThis as { acDb?: { $disconnect(): Promise<void> }; acPool?: { end(): Promise<void> } };
  await holder.acDb?.$disconnect();
  await holder.acPool?.end();
  delete holder.acDb;
  delete holder.acPool;
  await database.drop();
});
