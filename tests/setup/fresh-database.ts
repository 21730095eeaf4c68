// Runs before each test file's own imports: gives the file a database of its own, copied from
// the run's migrated template, and points DATABASE_URL at it. server/config.ts reads the
// environment on first use and server/db.ts connects on the first db() call, so the app code the
// test imports uses this database. Dropped after the file, once the Prisma client is closed.
import { afterAll } from "vitest";
import { createTestDatabase } from "./db-helpers";

const database = await createTestDatabase();
process.env.DATABASE_URL = database.url;

afterAll(async () => {
  // The client server/db.ts caches on globalThis, if the file created one.
  const holder = globalThis as { acDb?: { $disconnect(): Promise<void> } };
  await holder.acDb?.$disconnect();
  delete holder.acDb;
  await database.drop();
});
