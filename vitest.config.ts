// Unit and integration tests. Integration tests get a real PostgreSQL: the global setup
// prepares a migrated template database once per run, and each test file gets a fresh copy.
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/security/**/*.test.ts"],
    // ansible/simulator-update.yml reads these; ansible-playbook gets only allowlisted variables (docs/update-tasks.md).
    env: { PLAYBOOK_ENV: "AC_SIM_CONTROL_URL,AC_TEST_FAIL_INSTANCES,AC_TEST_PLAYBOOK_SLEEP,AC_TEST_VARS_DIR" },
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/fresh-database.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
