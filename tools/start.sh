#!/usr/bin/env bash
# README's first command (`npm start`): installs what is missing, builds when the sources
# changed since the last build, then runs AC (tools/start.ts).
set -euo pipefail
export NEXT_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/.."
bash tools/setup.sh
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components server lib instrumentation.ts next.config.ts package-lock.json -newer .next/BUILD_ID -not -path 'server/generated/*' -print -quit)" ]; then
  echo "[start] building the production bundle (next build)"
  npx next build
fi
exec npx tsx tools/start.ts
