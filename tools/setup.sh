#!/usr/bin/env bash
# Installs what AC needs on a fresh machine, and nothing twice:
#   - npm packages when node_modules is missing or older than package-lock.json (`npm install`
#     with the committed lock, not `npm ci`: this machine's npm writes locks without the other
#     platforms' optional packages, which `npm ci` then refuses as "missing from lock file");
#   - the Prisma client (generated into server/generated, git-ignored);
#   - Debian packages: haproxy and ansible-core (used by AC at run time) and, with --tests,
#     chromium for the browser tests, slapd + ldap-utils and prometheus for the SSO and metrics tests; with --tests or --release, what builds and checks the
#     release artifacts (podman, buildah, runc, debootstrap, systemd for systemd-analyze).
#     Installed with apt-get when missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
want_release=0
[ "${1:-}" = "--tests" ] && want_tests=1 && want_release=1
[ "${1:-}" = "--release" ] && want_release=1

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] installing npm packages"
  npm install --no-audit --no-fund
fi

echo "[setup] generating the Prisma client"
npm run --silent prisma:generate >/dev/null

missing=()
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible-core)
if [ "$want_tests" = 1 ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # Real servers the tests start themselves: OpenLDAP (SSO) and Prometheus (the metrics scrape).
  [ -x /usr/sbin/slapd ] || missing+=(slapd)
  command -v ldapadd >/dev/null 2>&1 || missing+=(ldap-utils)
  # The LDAP TLS tests make a throwaway CA and server certificate (tools/sso-lab/slapd.ts).
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
fi
if [ "$want_release" = 1 ]; then
  for tool in podman buildah runc debootstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "[setup] missing Debian packages: ${missing[*]} (install them with apt-get as root)" >&2
    if [ "$want_tests" = 1 ] || [ "$want_release" = 1 ]; then exit 1; fi
  fi
fi
