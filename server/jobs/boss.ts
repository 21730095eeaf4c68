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
    const { POLLING_INTERVAL, HAPROXY_POLLING_INTERVAL, CLEAN_JOB_HISTORY_OLDER_THAN } = config();
    const instance = new PgBoss({
      connectionString: url,
      schema: "pgboss",
      max: 4,
      // Maintenance (once per interval across replicas) fails the runs of a replica that died;
      // a quarter of the shortest job interval keeps a takeover within two intervals (cluster-jobs.ts).
      maintenanceIntervalSeconds: Math.min(
        15,
        Math.max(1, Math.floor(Math.min(POLLING_INTERVAL, HAPROXY_POLLING_INTERVAL) / 4)),
      ),
      // Bounded storage (docs/operations.md, "Retention"): finished jobs stay an hour in the job
      // table (longer than any job's slot, which it keeps taken), failed ones a day (to be looked
      // at), then move to the archive, emptied after CLEAN_JOB_HISTORY_OLDER_THAN days; pg-boss's
      // maintenance does both under its advisory lock, so only one replica runs it.
      archiveCompletedAfterSeconds: 3600,
      archiveFailedAfterSeconds: 86_400,
      deleteAfterDays: CLEAN_JOB_HISTORY_OLDER_THAN,
    });
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
