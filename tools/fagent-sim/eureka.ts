// A minimal Eureka server for the simulated fleet (docs/update-tasks.md, "Eureka"): the registry
// is the fleet itself — every docker app whose agent reports eureka_registered and this server's
// eureka_url is an instance of the app named by its group (jurws_1 → JURWS; a test may give a
// group's apps another spring.application.name, as real services often have), listed at its ip and
// port (its host's address, as AC expects, unless a test makes it report another) — plus the status overrides AC puts and removes. It speaks the REST operations AC uses
// (Netflix's "Eureka REST operations", under <base>/apps): GET an app, GET an instance, PUT and
// DELETE …/status. Records every request (bounded) so tests can prove who was called, and can
// fail on request. Loopback only.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseInstanceName } from "../../server/inventory/grouping";
import type { Fleet } from "./fleet";

export type EurekaRequest = { method: string; path: string; status: number };
export type EurekaFault = { status: number; times?: number } | null;

export type SimEureka = {
  /** The base URL agents report and AC is configured with, e.g. http://127.0.0.1:19098/eureka/ */
  url: string;
  /** The status the registry shows for the instance: its override, else UP (running) or DOWN. */
  status(app: string, instanceId: string): string | null;
  /** The registry as listed: app → instances. */
  instances(app: string): SimEurekaInstance[];
  /** The apps of `group` register as `app` (their spring.application.name) instead of the group's name; null: again as it. */
  registerGroupAs(group: string, app: string | null): void;
  requests(): EurekaRequest[];
  /** The next requests (all, or `times`) answer with this HTTP status. */
  fault(fault: EurekaFault): void;
  reset(): void;
  close(): Promise<void>;
};
export type SimEurekaInstance = { instanceId: string; app: string; ipAddr: string; port: number; status: string };

const MAX_REQUESTS = 1000;
const MAX_OVERRIDES = 10_000;
const STATUSES = new Set(["UP", "DOWN", "STARTING", "OUT_OF_SERVICE", "UNKNOWN"]);

function listInstances(
  fleet: Fleet,
  url: string,
  overrides: Map<string, string>,
  appNames: Map<string, string>,
): SimEurekaInstance[] {
  const list: SimEurekaInstance[] = [];
  for (const agent of fleet.agents.values()) {
    for (const app of agent.apps.docker) {
      if (app.eureka_registered !== true || app.eureka_url !== url) continue;
      const name = String(app.container_name);
      const ipAddr = typeof app.ip === "string" ? app.ip : agent.ip;
      const port = Number(app.port);
      const groupName = parseInstanceName(name).groupName;
      const group = (appNames.get(groupName) ?? groupName).toUpperCase();
      // Spring Cloud's default instance id: host:app:port.
      const instanceId = `${agent.name}:${group.toLowerCase()}:${port}`;
      const own = app.status === "running" ? "UP" : "DOWN";
      list.push({ instanceId, app: group, ipAddr, port, status: overrides.get(`${group}/${instanceId}`) ?? own });
    }
  }
  return list;
}

const wire = (i: SimEurekaInstance) => ({
  instanceId: i.instanceId,
  hostName: i.instanceId.split(":")[0],
  app: i.app,
  ipAddr: i.ipAddr,
  status: i.status,
  port: { $: i.port, "@enabled": "true" },
});

export async function startEureka(fleet: Fleet, port = 0): Promise<SimEureka> {
  const overrides = new Map<string, string>();
  const appNames = new Map<string, string>();
  const log: EurekaRequest[] = [];
  let fault: EurekaFault = null;
  let url = "";
  const server = http.createServer((req, res) => {
    const reply = (status: number, body?: unknown) => {
      log.push({ method: req.method ?? "", path: req.url ?? "", status });
      if (log.length > MAX_REQUESTS) log.shift();
      res.writeHead(status, { "content-type": "application/json" }).end(body === undefined ? "" : JSON.stringify(body));
    };
    if (fault) {
      const status = fault.status;
      if (fault.times !== undefined && --fault.times <= 0) fault = null;
      return reply(status, { error: "simulated failure" });
    }
    const parsed = new URL(req.url ?? "/", "http://eureka");
    const m = /^\/eureka\/apps\/([^/]+)(?:\/([^/]+)(\/status)?)?$/.exec(parsed.pathname);
    if (!m) return reply(404, { error: `no route ${req.method} ${parsed.pathname}` });
    const app = decodeURIComponent(m[1]!).toUpperCase();
    const id = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
    const mine = listInstances(fleet, url, overrides, appNames).filter((i) => i.app === app);
    const one = id === undefined ? undefined : mine.find((i) => i.instanceId === id);
    if (req.method === "GET" && id === undefined)
      return mine.length ? reply(200, { application: { name: app, instance: mine.map(wire) } }) : reply(404);
    if (!one) return reply(404, { error: `no instance ${id} of ${app}` });
    if (req.method === "GET" && !m[3]) return reply(200, { instance: wire(one) });
    const value = parsed.searchParams.get("value") ?? "";
    if (m[3] && req.method === "PUT" && STATUSES.has(value)) {
      if (overrides.size >= MAX_OVERRIDES) return reply(503, { error: "too many overrides" });
      overrides.set(`${app}/${one.instanceId}`, value);
      return reply(200);
    }
    if (m[3] && req.method === "DELETE") {
      overrides.delete(`${app}/${one.instanceId}`);
      return reply(200);
    }
    reply(400, { error: `unsupported ${req.method} ${parsed.pathname}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port }, resolve);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/eureka/`;
  return {
    url,
    status: (app, instanceId) =>
      listInstances(fleet, url, overrides, appNames).find((i) => i.app === app && i.instanceId === instanceId)
        ?.status ?? null,
    instances: (app) => listInstances(fleet, url, overrides, appNames).filter((i) => i.app === app),
    registerGroupAs: (group, app) => void (app === null ? appNames.delete(group) : appNames.set(group, app)),
    requests: () => [...log],
    fault: (f) => void (fault = f ? { ...f } : null),
    reset() {
      overrides.clear();
      appNames.clear();
      log.length = 0;
      fault = null;
    },
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
