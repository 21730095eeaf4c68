// What a test, the benchmark or the demo may do to a running fleet. The same SimulatorControl
// is used in-process (localControl) and over HTTP (serveControl here, client.ts there).
import { z } from "zod";
import type { AppKind, WireApp } from "../../server/agent/contract";
import type { FaultCommand, Faults } from "./faults";
import type { Fleet, ChurnOptions, ChurnResult } from "./fleet";
import { haproxyControl, type HaproxyControl } from "./haproxy-control";
import { agentSpecSchema, nthAddress, type AgentApps, type AgentSpec, type Scenario } from "./scenario";
import type { AgentServers } from "./server";
import type { SimStats, Stats } from "./stats";

export type AgentInfo = {
  name: string;
  ip: string;
  port: number;
  up: boolean;
  hasToken: boolean;
  apps: number;
  faults: Faults;
};

export interface SimulatorControl extends HaproxyControl {
  listAgents(): Promise<AgentInfo[]>;
  getApps(agent: string): Promise<AgentApps>;
  /** Merges snake_case fields into one app, e.g. `{ version: "1.4.3", status: "stopped" }`. */
  setApp(agent: string, kind: AppKind, app: string, patch: Record<string, unknown>): Promise<WireApp>;
  addApp(agent: string, kind: AppKind, app: WireApp): Promise<void>;
  removeApp(agent: string, kind: AppKind, app: string): Promise<void>;
  /** Address and port default to the next free ones of the scenario's mode. */
  addAgent(spec: AgentSpec): Promise<AgentInfo>;
  removeAgent(name: string): Promise<void>;
  fault(agent: string, fault: FaultCommand): Promise<void>;
  churn(options: ChurnOptions): Promise<ChurnResult>;
  stats(): Promise<SimStats>;
  resetStats(): Promise<void>;
}

const pct = z.number().min(0).max(100).optional();
export const churnOptionsSchema = z.object({
  changeVersionPct: pct,
  changeStatusPct: pct,
  removePct: pct,
  addPct: pct,
  seed: z.int().optional(),
});

type Placement = Pick<Scenario, "mode" | "baseAddress" | "port">;

export function localControl(
  fleet: Fleet,
  servers: AgentServers,
  stats: Stats,
  placement: Placement,
): SimulatorControl {
  const info = (name: string): AgentInfo => {
    const a = fleet.get(name);
    const apps = a.apps.docker.length + a.apps.site.length + a.apps.service.length;
    return {
      name,
      ip: a.ip,
      port: a.port,
      up: servers.isOpen(name),
      hasToken: a.token !== null,
      apps,
      faults: a.faults,
    };
  };
  return {
    listAgents: async () => [...fleet.agents.keys()].map(info),
    getApps: async (agent) => structuredClone(fleet.get(agent).apps),
    setApp: async (agent, kind, app, patch) => structuredClone(fleet.setApp(agent, kind, app, patch)),
    addApp: async (agent, kind, app) => fleet.addApp(agent, kind, structuredClone(app)),
    removeApp: async (agent, kind, app) => fleet.removeApp(agent, kind, app),
    async addAgent(input) {
      const spec = agentSpecSchema.parse(input);
      const agent = fleet.add({ ...spec, ...nextFree(fleet, placement, spec) });
      try {
        await servers.open(agent);
      } catch (error) {
        fleet.remove(agent.name);
        throw error;
      }
      return info(agent.name);
    },
    async removeAgent(name) {
      fleet.get(name);
      await servers.close(name);
      fleet.remove(name);
    },
    async fault(agent, cmd) {
      const { faults } = fleet.fault(agent, cmd);
      if (faults.down) await servers.close(agent);
      else await servers.open(fleet.get(agent));
    },
    churn: async (options) => fleet.churn(churnOptionsSchema.parse(options)),
    stats: async () => stats.snapshot(),
    resetStats: async () => stats.reset(),
    ...haproxyControl(fleet),
  };
}

/** The spec's own address/port, or the first free one in the scenario's scheme. */
function nextFree(
  fleet: Fleet,
  p: Placement,
  spec: z.output<typeof agentSpecSchema>,
): { address: string; port: number } {
  const agents = [...fleet.agents.values()];
  if (p.mode === "port" || spec.address) {
    const address = spec.address ?? p.baseAddress;
    if (spec.port !== undefined || p.port === 0) return { address, port: spec.port ?? 0 };
    const used = new Set(agents.filter((a) => a.ip === address).map((a) => a.port));
    let port = p.port;
    while (used.has(port)) port++;
    return { address, port };
  }
  const port = spec.port ?? p.port;
  const used = new Set(agents.map((a) => a.ip));
  let n = 0;
  while (used.has(nthAddress(p.baseAddress, n))) n++;
  return { address: nthAddress(p.baseAddress, n), port };
}
