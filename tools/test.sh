#!/usr/bin/env bash
# Every test of AC, from a fresh clone: set-up, typecheck, lint, unit and integration tests
# (real PostgreSQL, simulator, HAProxy, Ansible), production build, several replicas of it behind
# HAProxy on one database (tests/replicas), the release tarball installed
# and run from that build, browser tests (Chromium). The container image has its own command,
# `npm run test:release-image` (docs/operations.md "Release tests").
set -euo pipefail
export NEXT_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s ==\033[0m\n' "$1"; }

step "set-up"
bash tools/setup.sh --tests
step "typecheck"
npm run --silent typecheck
step "lint"
npm run --silent lint
step "unit and integration tests"
npx vitest run
step "production build"
AC_STANDALONE_BUILD=1 npx next build
step "multi-replica tests"
npx vitest run -c vitest.replicas.config.ts
step "release tarball"
npx tsx tools/release/tarball.ts
npx vitest run -c vitest.release.config.ts tests/release/tarball.test.ts
step "browser tests"
npx playwright test
