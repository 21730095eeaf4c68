// The one pg-boss instance of the process: PostgreSQL-backed queues, singleton jobs and
// leases shared by every replica on the same database (docs/operations.md, "Replicas").
// pg-boss 10 is the last major that runs on Node 20. Its tables live in their own schema.
import PgBoss from "pg-boss";
import { config } from "../config";

const globalForBoss = globalThis as unknown as { acBoss?: Promise<PgBoss> };

/** Started on first use; replicas starting together are safe (pg-boss migrates under an advisory lock). */
export function boss(): Promise<PgBoss> {
  globalForBoss.acBoss ??= (async () => {
    const url = config().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: start AC with `npm start`, which provides a database");
    const instance = new PgBoss({ connectionString: url, schema: "pgboss", max: 4 });
    instance.on("error", (error) => console.error(`[jobs] pg-boss: ${error.message}`));
    await instance.start();
    return instance;
  })();
  return globalForBoss.acBoss;
}

/** Stops this process's workers and maintenance; other replicas carry on. */
export async function stopBoss(): Promise<void> {
  const started = globalForBoss.acBoss;
  delete globalForBoss.acBoss;
  await (await started?.catch(() => undefined))?.stop({ graceful: true, wait: true });
}
