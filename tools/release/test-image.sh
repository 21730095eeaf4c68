#!/usr/bin/env bash
# `npm run test:release-image`: builds the release (tools/release/release.sh) and tests the
# container image: podman load, run against PostgreSQL, then systemd inside with kill -9
# (tests/release/image.test.ts). Separate from `npm test` because it adds minutes (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/release/release.sh
npx vitest run -c vitest.release.config.ts tests/release/image.test.ts
