// A running task's own database writes (progress, log, the final status) retry through a database
// outage, with a bounded backoff (TASK_DB_RETRY_SECONDS), so the task ends in a true final state
// rather than "running" forever (docs/update-tasks.md, "Database outages"). Past the budget the
// error goes up; the lease then runs out and a runner marks the task interrupted.
import { config } from "../config";
import { isDatabaseUnavailable } from "../db-errors";

const FIRST_PAUSE_MS = 500;
const MAX_PAUSE_MS = 10_000;

export async function retryThroughOutage<T>(what: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + config().TASK_DB_RETRY_SECONDS * 1000;
  const started = Date.now();
  let pause = FIRST_PAUSE_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await work();
      if (attempt > 1)
        console.warn(`[ac] ${what}: the database answered again after ${Math.round((Date.now() - started) / 1000)} s`);
      return result;
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + pause > deadline) throw error;
      if (attempt === 1) console.warn(`[ac] ${what}: database unavailable (${(error as Error).message}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }
}
