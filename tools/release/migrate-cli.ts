// The release's migration tool (`node migrate.mjs`), bundled by tools/release/tarball.ts into one
// file that needs only the release's own node_modules (pg). A release has no embedded PostgreSQL
// (docs/operations.md "Install a release"): DATABASE_URL is required.
import path from "node:path";
import { redactUrlCredentials as redact } from "../../server/security/redact-url";
import { ensureDatabase } from "../db/ensure";

if (!process.env.DATABASE_URL?.trim()) {
  console.error("migrate: DATABASE_URL is not set (a release has no embedded PostgreSQL; see the env file)");
  process.exit(1);
}
try {
  // The migrations travel beside this file, whatever the working directory.
  const migrationsDir = path.join(import.meta.dirname, "prisma", "migrations");
  const database = await ensureDatabase({ migrationsDir, log: (line) => console.log(`[migrate] ${line}`) });
  console.log(
    database.applied.length
      ? `[migrate] done: ${database.applied.length} migration(s) applied to ${redact(database.url)}`
      : `[migrate] done: ${redact(database.url)} was already up to date`,
  );
} catch (error) {
  console.error(`[migrate] failed: ${redact(error instanceof Error ? error.message : String(error))}`);
  process.exit(1);
}
