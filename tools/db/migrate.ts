// `npm run db:migrate`: brings up AC's database the way `npm start` does (DATABASE_URL, or the
// embedded PostgreSQL in .data/postgres), applies the pending migrations, and stops again.
import { ensureDatabase } from "./ensure";
import { redactUrlCredentials } from "../../server/security/redact-url";

try {
  const database = await ensureDatabase();
  await database.stop();
  const where = database.embedded ? "embedded PostgreSQL" : "DATABASE_URL";
  console.log(
    database.applied.length
      ? `done: ${database.applied.length} migration(s) applied to ${redactUrlCredentials(database.url)} (${where})`
      : `done: ${redactUrlCredentials(database.url)} (${where}) was already up to date`,
  );
} catch (error) {
  console.error(`db:migrate failed: ${redactUrlCredentials(error instanceof Error ? error.message : String(error))}`);
  process.exit(1);
}
