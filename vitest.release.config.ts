// The release tests (tests/release): they need artifacts built first, so the default run
// (vitest.config.ts) leaves them out. tools/test.sh runs the tarball test after its build;
// `npm run test:release-image` runs the image test (docs/operations.md "Release tests").
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/release/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
