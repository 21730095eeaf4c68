// The control API's HAProxy part: give an agent HAProxy instances (simulated, or fronting a real
// HAProxy's socket), change simulated backends and servers, inject faults. Part of SimulatorControl.
import { z } from "zod";
import type { WireHaproxyServer } from "../../server/agent/haproxy-contract";
import { SimError, type Fleet } from "./fleet";
import {
  haproxyFaultSchema,
  listBackends,
  listServers,
  makeHaproxy,
  type BackendSpec,
  type HaproxyFault,
  type HaproxySpec,
  type SimHaproxy,
} from "./haproxy";

export type HaproxyInfo = {
  name: string;
  kind: "real" | "simulated";
  socket: string | null;
  backends: number | null;
  fault: HaproxyFault | null;
};

export interface HaproxyControl {
  listHaproxy(agent: string): Promise<HaproxyInfo[]>;
  addHaproxy(agent: string, spec: HaproxySpec): Promise<HaproxyInfo>;
  removeHaproxy(agent: string, name: string): Promise<void>;
  /** Backends with their servers as the agent would report them now (real: read from HAProxy). */
  getHaproxyBackends(agent: string, name: string): Promise<BackendSpec[]>;
  /** Simulated instances only: replaces every backend. */
  setHaproxyBackends(agent: string, name: string, backends: BackendSpec[]): Promise<void>;
  /** Simulated instances only: merges fields (status, weight, current_sessions ...) into one server. */
  setHaproxyServer(
    agent: string,
    name: string,
    backend: string,
    server: string,
    patch: Partial<WireHaproxyServer>,
  ): Promise<WireHaproxyServer>;
  /** null clears it. */
  haproxyFault(agent: string, name: string, fault: HaproxyFault | null): Promise<void>;
}

const info = (h: SimHaproxy): HaproxyInfo => ({
  name: h.name,
  kind: h.source.kind,
  socket: h.source.kind === "real" ? h.source.socket : null,
  backends: h.source.kind === "simulated" ? h.source.backends.size : null,
  fault: h.fault,
});

export function haproxyControl(fleet: Fleet): HaproxyControl {
  const instance = (agent: string, name: string) => {
    const h = fleet.get(agent).haproxy.get(name);
    if (!h) throw new SimError(404, `${agent} has no HAProxy instance ${name}`);
    return h;
  };
  const simulated = (agent: string, name: string) => {
    const h = instance(agent, name);
    if (h.source.kind !== "simulated")
      throw new SimError(409, `${agent}/${name} fronts a real HAProxy: change its config (tools/haproxy-lab) instead`);
    return h.source;
  };
  return {
    listHaproxy: async (agent) => [...fleet.get(agent).haproxy.values()].map(info),
    async addHaproxy(agent, spec) {
      const a = fleet.get(agent);
      const h = makeHaproxy(spec);
      if (a.haproxy.has(h.name)) throw new SimError(409, `${agent} already has HAProxy instance ${h.name}`);
      a.haproxy.set(h.name, h);
      return info(h);
    },
    async removeHaproxy(agent, name) {
      instance(agent, name);
      fleet.get(agent).haproxy.delete(name);
    },
    async getHaproxyBackends(agent, name) {
      const h = instance(agent, name);
      const names = await listBackends(h);
      return Promise.all(names.map(async (b) => ({ name: b, servers: structuredClone(await listServers(h, b)) })));
    },
    async setHaproxyBackends(agent, name, backends) {
      const source = simulated(agent, name);
      const fresh = makeHaproxy({ name, backends });
      if (fresh.source.kind === "simulated") source.backends = fresh.source.backends;
    },
    async setHaproxyServer(agent, name, backend, server, patch) {
      const servers = simulated(agent, name).backends.get(backend);
      const target = servers?.find((s) => s.name === server);
      if (!target) throw new SimError(404, `${agent}/${name} has no server ${backend}/${server}`);
      Object.assign(target, z.record(z.string(), z.unknown()).parse(patch));
      return structuredClone(target);
    },
    async haproxyFault(agent, name, fault) {
      instance(agent, name).fault = fault === null ? null : haproxyFaultSchema.parse(fault);
    },
  };
}
