// AC's production HTTP server: Next.js behind a plain node:http server (Next's documented custom
// server), for one reason: Next only fills X-Forwarded-For from the socket when the caller sent
// none, so inside Next a forged header and a real one look the same. Here the socket is still at
// hand: forwarded headers from untrusted peers are dropped and the client address goes to the app
// in CLIENT_ADDRESS_HEADER, always overwritten (server/http/client-address.ts, docs/security.md).
import { createServer, type IncomingMessage, type Server } from "node:http";
import next, { type NextConfig } from "next";
import { CLIENT_ADDRESS_HEADER, clientAddress, markServedByAcWebServer, normalizeAddress } from "./client-address";
import { endLiveStreamsOnShutdown } from "../live/shutdown";

/** Headers only a proxy in front of AC may set (X-Request-Id names the proxy's request in audit rows). */
const FORWARDED_HEADERS = [
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-port",
  "forwarded",
  "x-real-ip",
  "x-request-id",
];

/** Rewrites a request's headers in place before anything else reads them. */
export function normalizeForwardedHeaders(req: IncomingMessage, trusted: (address: string) => boolean): void {
  const peer = normalizeAddress(req.socket.remoteAddress ?? "");
  const headers = req.headers;
  if (trusted(peer)) {
    const forwardedFor = headers["x-forwarded-for"];
    headers[CLIENT_ADDRESS_HEADER] = clientAddress(
      peer,
      Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor,
      trusted,
    );
  } else {
    for (const name of FORWARDED_HEADERS) delete headers[name];
    // Next would set it from the socket anyway; set here, it is the same and explicit.
    headers["x-forwarded-for"] = peer;
    headers[CLIENT_ADDRESS_HEADER] = peer;
  }
}

/** Wraps a request handler (Next's, or a test's) in an HTTP server that normalizes headers first. */
export function createAcHttpServer(
  handle: (req: IncomingMessage, res: import("node:http").ServerResponse) => Promise<void> | void,
  trusted: (address: string) => boolean,
): Server {
  markServedByAcWebServer();
  return createServer((req, res) => {
    normalizeForwardedHeaders(req, trusted);
    Promise.resolve(handle(req, res)).catch((error: unknown) => {
      console.error(`[ac] request ${req.method} ${req.url} failed:`, error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal server error");
    });
  });
}

/**
 * Starts the production Next.js app (after `next build`) on a port. `conf`: the build's config, for
 * a standalone build that has no next.config.ts (tools/release/web-server-entry.ts).
 */
export async function startWebServer(options: {
  port: number;
  hostname?: string;
  dir?: string;
  conf?: NextConfig;
  trusted: (address: string) => boolean;
}) {
  const app = next({
    dev: false,
    dir: options.dir ?? process.cwd(),
    port: options.port,
    hostname: options.hostname,
    conf: options.conf,
  });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createAcHttpServer((req, res) => handle(req, res), options.trusted);
  const upgrade = app.getUpgradeHandler();
  server.on("upgrade", (req, socket, head) => {
    normalizeForwardedHeaders(req, options.trusted);
    void upgrade(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => resolve());
  }).catch((error: NodeJS.ErrnoException) => {
    // Next's own uncaughtException handler would keep the process up, scheduler and all, serving nothing.
    const why = error.code === "EADDRINUSE" ? "another process is listening on it" : error.message;
    console.error(`[ac] cannot listen on port ${options.port}: ${why}`);
    process.exit(1);
  });
  const close = async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    endLiveStreamsOnShutdown(); // live pages' streams end (their clients reconnect elsewhere) instead of holding the close
    server.closeIdleConnections();
    await closed;
    await app.close();
  };
  return { server, close };
}
