// The release's web server, bundled by tarball.ts into ac-server.mjs at the release root: AC's web
// server (server/http/web-server.ts) over Next's standalone build, never Next's generated server.js,
// which cannot see the socket, so every client would count as one address for the login limits
// (docs/operations.md "What a release holds", docs/security.md). Set up as server.js does it: the
// build's config from .next/required-server-files.json in __NEXT_PRIVATE_STANDALONE_CONFIG (read by
// Next when next() loads its config, not at import), the release folder as working directory, PORT
// and HOSTNAME (default 0.0.0.0) from the environment.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";
import { config } from "../../server/config";
import { trustedProxyMatcher } from "../../server/http/client-address";
import { startWebServer } from "../../server/http/web-server";

const dir = path.dirname(fileURLToPath(import.meta.url));
process.chdir(dir);
(process.env as Record<string, string>).NODE_ENV = "production";
const manifest = path.join(dir, ".next", "required-server-files.json");
const conf = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { config: NextConfig }).config;
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(conf);

const port = config().PORT;
const hostname = process.env.HOSTNAME || "0.0.0.0";
const web = await startWebServer({
  port,
  hostname,
  dir,
  conf,
  trusted: trustedProxyMatcher(config().AC_TRUSTED_PROXIES),
});
console.log(`[ac] web server listening on http://${hostname}:${port}`);
// A stop is clean and quick: no new connections, idle ones closed, exit 0 (ac.service).
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    void web.close().finally(() => process.exit(0));
  });
}
