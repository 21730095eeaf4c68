// Serves the agents over real HTTP: one listener per agent, on its own loopback address or its
// own port. `down` closes that listener (connection refused), `up` opens it again.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { json, type Reply } from "./faults";
import type { AgentState, Fleet } from "./fleet";
import { fagentRoutes, type AgentRoute } from "./routes/fagent";
import { haproxyRoutes } from "./routes/haproxy";
import type { Stats } from "./stats";

export class AgentServers {
  private readonly listeners = new Map<string, http.Server>();

  constructor(
    private readonly fleet: Fleet,
    private readonly stats: Stats,
    private readonly tokenHeader: string,
    private readonly routes: AgentRoute[] = [...fagentRoutes, ...haproxyRoutes],
  ) {}

  isOpen(name: string): boolean {
    return this.listeners.has(name);
  }

  /** Starts listening; a requested port 0 becomes the port the system gave, kept for `up`. */
  async open(agent: AgentState): Promise<void> {
    if (this.listeners.has(agent.name)) return;
    const server = http.createServer((req, res) => void this.handle(agent.name, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e: NodeJS.ErrnoException) =>
        reject(new Error(`agent ${agent.name} cannot listen on ${agent.ip}:${agent.port}: ${e.code ?? e.message}`)),
      );
      server.listen({ host: agent.ip, port: agent.port }, resolve);
    });
    agent.port = (server.address() as AddressInfo).port;
    this.listeners.set(agent.name, server);
  }

  /** Stops listening and drops open keep-alive connections, so the next request is refused. */
  async close(name: string): Promise<void> {
    const server = this.listeners.get(name);
    if (!server) return;
    this.listeners.delete(name);
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.listeners.keys()].map((name) => this.close(name)));
  }

  private async handle(name: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const agent = this.fleet.agents.get(name);
      if (!agent) return send(res, json(404, { error: "agent removed" }));
      if (agent.token && req.headers[this.tokenHeader.toLowerCase()] !== agent.token) {
        this.stats.unauthorized(name);
        return send(res, json(401, { error: `missing or wrong ${this.tokenHeader}` }));
      }
      const path = new URL(req.url ?? "/", "http://agent").pathname;
      const found = this.routes.find((r) => r.method === req.method && r.path.test(path));
      const match = found?.path.exec(path);
      if (!found || !match) return send(res, json(404, { error: `no route ${req.method} ${path}` }));
      res.once("close", this.stats.begin(name, found.name, found.detail?.(match)));
      if (agent.faults.slowMs > 0) await sleep(agent.faults.slowMs);
      if (res.destroyed) return;
      await send(res, await found.handle({ agent, fleet: this.fleet, match, readJson: () => readJson(req) }));
    } catch (error) {
      if (!res.headersSent) await send(res, json(500, { error: String(error) }));
      else res.destroy();
    }
  }
}

async function send(res: http.ServerResponse, reply: Reply): Promise<void> {
  const headers: http.OutgoingHttpHeaders = { "content-type": "application/json" };
  if ("body" in reply) {
    res.writeHead(reply.status, { ...headers, "content-length": reply.body.length }).end(reply.body);
    return;
  }
  if (reply.length !== undefined) headers["content-length"] = reply.length;
  res.writeHead(reply.status, headers);
  // A client that stops reading (as AC does past its size limit) ends the stream early.
  await pipeline(Readable.from(reply.stream()), res).catch(() => res.destroy());
}

export async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}
