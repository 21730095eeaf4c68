// Typed client of a simulator's control API over HTTP, for scripts and the benchmark, which run
// the simulator as a separate process. Refusals come back as SimError with the HTTP status.
import type { SimulatorControl } from "./control";
import { SimError } from "./fleet";

export function simulatorClient(controlUrl: string): SimulatorControl {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(new URL(path, controlUrl), {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const value = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new SimError(res.status, value.error ?? `control API answered HTTP ${res.status}`);
    return value;
  };
  const agent = (name: string) => `/agents/${encodeURIComponent(name)}`;
  const haproxy = (a: string, h: string) => `${agent(a)}/haproxy/${encodeURIComponent(h)}`;
  const app = (a: string, kind: string, name: string) => `${agent(a)}/apps/${kind}/${encodeURIComponent(name)}`;
  return {
    listAgents: () => call("GET", "/agents"),
    getApps: (a) => call("GET", `${agent(a)}/apps`),
    setApp: (a, kind, name, patch) => call("PATCH", app(a, kind, name), patch),
    addApp: (a, kind, value) => call<void>("POST", `${agent(a)}/apps`, { kind, app: value }).then(() => undefined),
    removeApp: (a, kind, name) => call<void>("DELETE", app(a, kind, name)).then(() => undefined),
    addAgent: (spec) => call("POST", "/agents", spec),
    removeAgent: (a) => call<void>("DELETE", agent(a)).then(() => undefined),
    fault: (a, fault) => call<void>("POST", `${agent(a)}/fault`, fault).then(() => undefined),
    churn: (options) => call("POST", "/churn", options),
    stats: () => call("GET", "/stats"),
    resetStats: () => call<void>("POST", "/stats/reset").then(() => undefined),
    listHaproxy: (a) => call("GET", `${agent(a)}/haproxy`),
    addHaproxy: (a, spec) => call("POST", `${agent(a)}/haproxy`, spec),
    removeHaproxy: (a, h) => call<void>("DELETE", haproxy(a, h)).then(() => undefined),
    getHaproxyBackends: (a, h) => call("GET", `${haproxy(a, h)}/backends`),
    setHaproxyBackends: (a, h, backends) =>
      call<void>("PUT", `${haproxy(a, h)}/backends`, backends).then(() => undefined),
    setHaproxyServer: (a, h, b, s, patch) =>
      call("PATCH", `${haproxy(a, h)}/backends/${encodeURIComponent(b)}/servers/${encodeURIComponent(s)}`, patch),
    haproxyFault: (a, h, fault) => call<void>("POST", `${haproxy(a, h)}/fault`, fault).then(() => undefined),
  };
}
