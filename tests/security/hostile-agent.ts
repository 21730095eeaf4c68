// A loopback agent that answers whatever a test sets, per path, and records every request it
// gets: the hostile FAgent of the security tests. /ping always answers 200.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Reply =
  { status?: number; body: string | Buffer; headers?: Record<string, string> } | ((res: http.ServerResponse) => void);

export type HostileAgent = {
  ip: string;
  port: number;
  /** Request lines received ("GET /api/v1/apps"), /ping excluded. */
  requests: string[];
  /** Answer for an exact path; JSON values are serialised. */
  reply(path: string, reply: Reply | unknown): void;
  stop(): Promise<void>;
};

const isReply = (value: unknown): value is Reply =>
  typeof value === "function" ||
  (typeof value === "object" &&
    value !== null &&
    "body" in value &&
    Object.keys(value).every((k) => ["status", "body", "headers"].includes(k)));

export async function startHostileAgent(ip: string): Promise<HostileAgent> {
  const replies = new Map<string, Reply>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    if (path === "/ping") return res.writeHead(200).end("pong");
    requests.push(`${req.method} ${path}`);
    const reply = replies.get(path);
    if (!reply)
      return res.writeHead(404, { "content-type": "application/json" }).end('{"success":false,"error":"no such path"}');
    if (typeof reply === "function") return reply(res);
    res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen({ host: ip, port: 0 }, resolve));
  return {
    ip,
    port: (server.address() as AddressInfo).port,
    requests,
    reply: (path, reply) => void replies.set(path, isReply(reply) ? reply : { body: JSON.stringify(reply) }),
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
