#!/bin/sh
# The image's entrypoint. serve (default): apply pending migrations, then run the web server.
# migrate: migrations only (e.g. before rolling replicas). server: the web server only.
set -eu
cd /opt/ac
case "${1:-serve}" in
  serve) node migrate.mjs && exec node ac-server.mjs ;;
  migrate) exec node migrate.mjs ;;
  server) exec node ac-server.mjs ;;
  *) exec "$@" ;;
esac
