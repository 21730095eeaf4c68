// The production web server process (tools/launch.ts starts it with `node --import tsx`):
// Next.js behind server/http/web-server.ts, which decides the client address from the socket.
// Usage: node --import tsx tools/web-server.ts --port 3000
import { config } from "../server/config";
import { trustedProxyMatcher } from "../server/http/client-address";
import { startWebServer } from "../server/http/web-server";

const portArg = process.argv.indexOf("--port");
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : config().PORT;

const web = await startWebServer({ port, trusted: trustedProxyMatcher(config().AC_TRUSTED_PROXIES) });
console.log(`[ac] web server listening on port ${port}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    void web.close().finally(() => process.exit(0));
  });
}
