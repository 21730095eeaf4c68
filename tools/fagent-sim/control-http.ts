// The control API over HTTP JSON on 127.0.0.1, for the CLI's `ctl` commands, the benchmark and
// scripts. Each route is one SimulatorControl call; README.md lists them.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { APP_KINDS, type AppKind, type WireApp } from "../../server/agent/contract";
import type { SimulatorControl } from "./control";
import type { FaultCommand } from "./faults";
import { SimError } from "./fleet";
import type { HaproxyFault, HaproxySpec } from "./haproxy";
import type { AgentSpec } from "./scenario";
import { readJson } from "./server";

type Handler = (params: string[], body: unknown) => Promise<unknown>;
const kind = (k: string | undefined) => z.enum(APP_KINDS).parse(k) as AppKind;
const addAppBody = z.object({ kind: z.enum(APP_KINDS), app: z.record(z.string(), z.unknown()) });
const object = z.record(z.string(), z.unknown());

function routes(c: SimulatorControl): [string, RegExp, Handler][] {
  const app = /^\/agents\/([^/]+)\/apps\/([^/]+)\/([^/]+)$/;
  return [
    ["GET", /^\/agents$/, () => c.listAgents()],
    ["POST", /^\/agents$/, (_, body) => c.addAgent(body as AgentSpec)],
    ["DELETE", /^\/agents\/([^/]+)$/, ([a]) => c.removeAgent(a!)],
    ["GET", /^\/agents\/([^/]+)\/apps$/, ([a]) => c.getApps(a!)],
    [
      "POST",
      /^\/agents\/([^/]+)\/apps$/,
      ([a], body) => {
        const b = addAppBody.parse(body);
        return c.addApp(a!, b.kind, b.app as WireApp);
      },
    ],
    ["PATCH", app, ([a, k, n], body) => c.setApp(a!, kind(k), n!, object.parse(body))],
    ["DELETE", app, ([a, k, n]) => c.removeApp(a!, kind(k), n!)],
    ["POST", /^\/agents\/([^/]+)\/fault$/, ([a], body) => c.fault(a!, body as FaultCommand)],
    ["POST", /^\/churn$/, (_, body) => c.churn(object.parse(body ?? {}))],
    ["GET", /^\/stats$/, () => c.stats()],
    ["POST", /^\/stats\/reset$/, () => c.resetStats()],
    ...haproxyRoutes(c),
  ];
}

function haproxyRoutes(c: SimulatorControl): [string, RegExp, Handler][] {
  const one = /^\/agents\/([^/]+)\/haproxy\/([^/]+)$/;
  return [
    ["GET", /^\/agents\/([^/]+)\/haproxy$/, ([a]) => c.listHaproxy(a!)],
    ["POST", /^\/agents\/([^/]+)\/haproxy$/, ([a], body) => c.addHaproxy(a!, body as HaproxySpec)],
    ["DELETE", one, ([a, h]) => c.removeHaproxy(a!, h!)],
    ["GET", /^\/agents\/([^/]+)\/haproxy\/([^/]+)\/backends$/, ([a, h]) => c.getHaproxyBackends(a!, h!)],
    [
      "PUT",
      /^\/agents\/([^/]+)\/haproxy\/([^/]+)\/backends$/,
      ([a, h], body) => c.setHaproxyBackends(a!, h!, z.array(z.any()).parse(body)),
    ],
    [
      "PATCH",
      /^\/agents\/([^/]+)\/haproxy\/([^/]+)\/backends\/([^/]+)\/servers\/([^/]+)$/,
      ([a, h, b, s], body) => c.setHaproxyServer(a!, h!, b!, s!, object.parse(body)),
    ],
    [
      "POST",
      /^\/agents\/([^/]+)\/haproxy\/([^/]+)\/fault$/,
      ([a, h], body) => c.haproxyFault(a!, h!, (body ?? null) as HaproxyFault | null),
    ],
  ];
}

export async function serveControl(
  control: SimulatorControl,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const table = routes(control);
  const server = http.createServer(async (req, res) => {
    const reply = (status: number, value: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value ?? { ok: true }));
    try {
      const path = new URL(req.url ?? "/", "http://control").pathname;
      for (const [method, pattern, handle] of table) {
        const m = pattern.exec(path);
        if (!m || method !== req.method) continue;
        return reply(200, await handle(m.slice(1).map(decodeURIComponent), await readJson(req)));
      }
      reply(404, { error: `no control route ${req.method} ${path}` });
    } catch (error) {
      if (error instanceof SimError) reply(error.status, { error: error.message });
      else if (error instanceof z.ZodError) reply(400, { error: z.prettifyError(error) });
      else if (error instanceof SyntaxError) reply(400, { error: `body is not JSON: ${error.message}` });
      else reply(500, { error: String(error) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port }, resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
