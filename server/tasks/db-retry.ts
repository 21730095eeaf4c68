// A running task's own database writes (progress, log, the final status) retry through a database
// outage, with a bounded backoff (TASK_DB_RETRY_SECONDS), so the task ends in a true final state
// rather than "running" forever (docs/update-tasks.md, "Database outages"). Past the budget the
// error goes up; the lease then runs out and a runner marks the task interrupted. A call that acts
// outside the database (a HAProxy or Eureka command) passes the run's signal: once the run is no
// longer its runner's (fenced or reaped), no further attempt is made (fence.ts).
import { config } from "../config";
import { isDatabaseUnavailable } from "../db-errors";
import { Cancelled } from "./errors";
import { notOurs } from "./runner-identity";

const FIRST_PAUSE_MS = 500;
const MAX_PAUSE_MS = 10_000;

export async function retryThroughOutage<T>(what: string, work: () => Promise<T>, run?: AbortSignal): Promise<T> {
  const deadline = Date.now() + config().TASK_DB_RETRY_SECONDS * 1000;
  const started = Date.now();
  let pause = FIRST_PAUSE_MS;
  for (let attempt = 1; ; attempt++) {
    if (run && notOurs(run)) throw new Cancelled();
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
