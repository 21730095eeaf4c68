// The multi-replica tests (tests/replicas): real `tools/web-server.ts` processes over the
// production build, so the default run (vitest.config.ts) leaves them out; tools/test.sh runs
// them after its build. Each file starts its own PostgreSQL, HAProxy and simulator (harness.ts).
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/replicas/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 360_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
