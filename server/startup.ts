// What a server process does once at start: check settings, make sure an admin can log in,
// start the scheduler. A bad setting stops the process with a message naming the variable.
import { config, ConfigError } from "./config";
import { startScheduler } from "./jobs/scheduler";
import { startTaskRunner } from "./tasks/worker";
import { ensureFirstAdmin } from "./users/users";

export async function startServerProcess(): Promise<void> {
  try {
    config();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[ac] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  await ensureFirstAdmin();
  // Touches no other replica's task: a runner reaps only leases that ran out (docs/update-tasks.md).
  startTaskRunner();
  await startScheduler();
}
