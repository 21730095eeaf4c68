// A scenario describes a fleet of simulated agents: a JSON file, or generated from a seed.
// Apps are kept exactly as written (snake_case, unknown fields too) and served verbatim, but
// each must satisfy the contract, so a scenario cannot serve a bad entry by accident.
import { z } from "zod";
import { APP_KINDS, appSchemas, describeIssues, type AppKind, type WireApp } from "../../server/agent/contract";
import { parseInstanceName } from "../../server/inventory/grouping";
import { freshName, makeApp, nextPatch } from "./apps";
import { haproxySpecSchema } from "./haproxy";
import { rng, type Rng } from "./random";

const LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
export const isLoopback = (ip: string) => LOOPBACK.test(ip) && ip.split(".").every((o) => Number(o) <= 255);
const loopback = z.string().refine(isLoopback, "must be an IPv4 loopback address (127.0.0.0/8)");
const port = z.int().min(0).max(65535);

const wireApp = <K extends AppKind>(kind: K) =>
  z
    .record(z.string(), z.unknown())
    .superRefine((app, ctx) => {
      const parsed = appSchemas[kind].safeParse(app);
      if (!parsed.success) ctx.addIssue({ code: "custom", message: describeIssues(parsed.error.issues) });
    })
    .transform((app) => app as WireApp<K>);

export const agentAppsSchema = z.object({
  docker: z.array(wireApp("docker")).default([]),
  site: z.array(wireApp("site")).default([]),
  service: z.array(wireApp("service")).default([]),
});
export type AgentApps = { [K in AppKind]: WireApp<K>[] };

export const agentSpecSchema = z.object({
  name: z.string().min(1),
  /** Default: address mode → baseAddress + index; port mode → baseAddress. */
  address: loopback.optional(),
  /** Default: address mode → the scenario's port; port mode → port + index. 0 = any free port. */
  port: port.optional(),
  token: z.string().min(1).nullish(),
  apps: agentAppsSchema.default({ docker: [], site: [], service: [] }),
  /** HAProxy instances the agent serves: simulated backends, or a real HAProxy's runtime socket. */
  haproxy: z.array(haproxySpecSchema).default([]),
});
export type AgentSpec = z.input<typeof agentSpecSchema>;

export const scenarioSchema = z.object({
  mode: z.enum(["address", "port"]).default("address"),
  baseAddress: loopback.default("127.0.0.2"),
  port: port.default(9100),
  tokenHeader: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .default("X-Agent-Token"),
  agents: z.array(agentSpecSchema),
});
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type PlacedAgent = Omit<Scenario["agents"][number], "address" | "port"> & { address: string; port: number };

/** Every agent with its address and port decided. */
export function placeAgents(s: Scenario): PlacedAgent[] {
  return s.agents.map((a, i) => ({
    ...a,
    address: a.address ?? (s.mode === "address" ? nthAddress(s.baseAddress, i) : s.baseAddress),
    port: a.port ?? (s.mode === "port" && s.port !== 0 ? s.port + i : s.port),
  }));
}

/** baseAddress + n, skipping .0 and .255 last octets; stays inside 127.0.0.0/8. */
export function nthAddress(base: string, n: number): string {
  const start = base.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  // In closed form, not a loop per agent (that made 20,000 agents quadratic): a block of 256
  // holds 254 usable last octets (1..254); `index` counts usable addresses from the base's block.
  const octet = start % 256;
  const index = (octet === 0 ? -1 : octet === 255 ? 253 : octet - 1) + n;
  const value = n === 0 ? start : (Math.floor(start / 256) + Math.floor(index / 254)) * 256 + (index % 254) + 1;
  const ip = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
  if (!isLoopback(ip)) throw new Error(`${n} agents from ${base} leave 127.0.0.0/8`);
  return ip;
}

export type FleetOptions = {
  servers: number;
  appsPerServer: number;
  seed?: number;
  mode?: "address" | "port";
  baseAddress?: string;
  port?: number;
  /** Same token on every agent, to exercise the token header. */
  token?: string;
  /**
   * "per-instance" (default): every app a random version. "per-group": as in a real fleet, the
   * instances of a group (same base name, docs/inventory.md) run the group's version, and in a few
   * groups some run one or two patches behind (the demo, README.md).
   */
  versions?: "per-instance" | "per-group";
  /** The eureka_url registered docker apps report: the simulator's Eureka (startSimulator's eurekaPort). */
  eurekaUrl?: string;
};

/**
 * The group's version for its instances; in about one group in five (a rollout left halfway) some
 * instances run a patch or two behind. As in a real fleet, drift is the exception: when every
 * group drifted, the demo's "Versions drift in a group" rule fired for nearly all of them.
 */
function groupVersionPicker(r: Rng) {
  const current = new Map<string, { version: string; lagging: boolean }>();
  return (name: string) => {
    const key = parseInstanceName(name).groupName;
    if (!current.has(key))
      current.set(key, { version: `${r.int(1, 3)}.${r.int(0, 12)}.${r.int(2, 20)}`, lagging: r.chance(0.2) });
    const { version, lagging } = current.get(key)!;
    return lagging && r.chance(0.3) ? nextPatch(version, -r.int(1, 2)) : version;
  };
}

/** A deterministic fleet: the same options give the same agents and apps. */
export function generateFleet(o: FleetOptions): Scenario {
  const r = rng(o.seed ?? 1);
  const groupVersion = o.versions === "per-group" ? groupVersionPicker(rng((o.seed ?? 1) + 1)) : null;
  const base = scenarioSchema.parse({ mode: o.mode, baseAddress: o.baseAddress, port: o.port, agents: [] });
  base.agents = Array.from({ length: o.servers }, (_, i) => {
    const name = `srv-${String(i + 1).padStart(4, "0")}`;
    const agentIp = base.mode === "address" ? nthAddress(base.baseAddress, i) : base.baseAddress;
    const apps: AgentApps = { docker: [], site: [], service: [] };
    const taken = { docker: new Set<string>(), site: new Set<string>(), service: new Set<string>() };
    for (let j = 0; j < o.appsPerServer; j++) {
      const kind: AppKind = r.chance(0.6) ? "docker" : r.pick(APP_KINDS.slice(1));
      const fresh = freshName(r, taken[kind]);
      taken[kind].add(fresh.name);
      const version = groupVersion?.(fresh.name);
      (apps[kind] as WireApp[]).push(makeApp(kind, r, { ...fresh, agentIp, version, eurekaUrl: o.eurekaUrl }));
    }
    return { name, token: o.token ?? null, apps, haproxy: [] };
  });
  return base;
}
