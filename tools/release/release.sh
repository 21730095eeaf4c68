#!/usr/bin/env bash
# `npm run release`: the three release artifacts under dist/ from a fresh clone (as root, on
# Debian, for the image): the tarball and ac.service (tarball.ts), then the image (image.sh).
# What each holds and how to install it: docs/operations.md.
set -euo pipefail
export NEXT_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/../.."
bash tools/setup.sh --release
echo "[release] next build"
AC_STANDALONE_BUILD=1 npx next build
npx tsx tools/release/tarball.ts
bash tools/release/image.sh
