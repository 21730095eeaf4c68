// The HAProxy instances of one simulated agent (docs/haproxy.md). Two kinds: `simulated` keeps backends
// and servers in memory (for scale: thousands of servers cost nothing), `real` fronts a running
// HAProxy through its runtime API socket (tools/haproxy-lab) — show stat for reads, set server
// … state for commands. Faults make an instance fail like a broken agent would.
import { z } from "zod";
import {
  haproxyServerSchema,
  HAPROXY_COMMANDS,
  type HaproxyCommand,
  type WireHaproxyServer,
} from "../../server/agent/haproxy-contract";
import { backendNames, backendServers, setServerState } from "../haproxy-lab/runtime";
import { rng } from "./random";

const wireServer = z
  .record(z.string(), z.unknown())
  .refine(
    (s) => haproxyServerSchema.safeParse(s).success,
    "not a valid HAProxy server (name, address, status, weight, current_sessions, max_sessions)",
  )
  .transform((s) => s as WireHaproxyServer);
const backendSpec = z.object({ name: z.string().min(1), servers: z.array(wireServer).default([]) });

export const haproxyFaultSchema = z.object({
  /** http500: an error page; refuse: success false; brokenJson: cut-off JSON. */
  fault: z.enum(["http500", "refuse", "brokenJson"]),
  /** Only the next N requests fail; omitted = until cleared. */
  times: z.int().positive().optional(),
  message: z.string().optional(),
});
export type HaproxyFault = z.output<typeof haproxyFaultSchema>;

export const haproxySpecSchema = z.union([
  z.object({ name: z.string().min(1), socket: z.string().min(1) }),
  z.object({ name: z.string().min(1), backends: z.array(backendSpec).default([]) }),
]);
export type HaproxySpec = z.input<typeof haproxySpecSchema>;
export type BackendSpec = z.input<typeof backendSpec>;

export type SimHaproxy = {
  name: string;
  source: { kind: "real"; socket: string } | { kind: "simulated"; backends: Map<string, WireHaproxyServer[]> };
  fault: HaproxyFault | null;
};

export function makeHaproxy(input: HaproxySpec): SimHaproxy {
  const spec = haproxySpecSchema.parse(input);
  const source =
    "socket" in spec
      ? { kind: "real" as const, socket: spec.socket }
      : {
          kind: "simulated" as const,
          backends: new Map(spec.backends.map((b) => [b.name, b.servers.map((s) => ({ ...s }))])),
        };
  return { name: spec.name, source, fault: null };
}

/** Thrown where FAgent would answer success: false (no such backend, HAProxy refused). */
export class HaproxyRefusal extends Error {}

export async function listBackends(h: SimHaproxy): Promise<string[]> {
  if (h.source.kind === "simulated") return [...h.source.backends.keys()];
  return backendNames(h.source.socket).catch(runtimeFailure(h));
}

export async function listServers(h: SimHaproxy, backend: string): Promise<WireHaproxyServer[]> {
  if (h.source.kind === "real") return backendServers(h.source.socket, backend).catch(runtimeFailure(h));
  const servers = h.source.backends.get(backend);
  if (!servers) throw new HaproxyRefusal(`backend ${backend} not found in ${h.name}`);
  return servers;
}

const STATE_AFTER: Record<HaproxyCommand, string> = { drain: "DRAIN", ready: "UP", maint: "MAINT" };

export async function runCommand(
  h: SimHaproxy,
  backend: string,
  server: string,
  command: HaproxyCommand,
): Promise<void> {
  if (h.source.kind === "real")
    return setServerState(h.source.socket, backend, server, command).catch(runtimeFailure(h));
  const target = (await listServers(h, backend)).find((s) => s.name === server);
  if (!target) throw new HaproxyRefusal(`server ${backend}/${server} not found in ${h.name}`);
  target.status = STATE_AFTER[command];
}

const runtimeFailure = (h: SimHaproxy) => (error: unknown) => {
  throw new HaproxyRefusal(`${h.name}: ${error instanceof Error ? error.message : String(error)}`);
};

export const isCommand = (value: string): value is HaproxyCommand =>
  (HAPROXY_COMMANDS as readonly string[]).includes(value);

/** The fault for this request, if any; a `times` fault counts itself down. */
export function takeFault(h: SimHaproxy): HaproxyFault | null {
  const fault = h.fault;
  if (!fault) return null;
  if (fault.times !== undefined) h.fault = fault.times > 1 ? { ...fault, times: fault.times - 1 } : null;
  return fault;
}

/** Simulated backends for scale tests: `backends` × `servers`, addresses from `host(b, s)`. */
export function generateBackends(o: {
  backends: number;
  servers: number;
  seed?: number;
  host?: (b: number, s: number) => string;
}): BackendSpec[] {
  const r = rng(o.seed ?? 1);
  const statuses = ["UP", "UP", "UP", "UP", "UP", "UP", "UP", "DOWN", "DRAIN", "MAINT", "NOLB"];
  const host = o.host ?? ((b, s) => `10.${(b % 200) + 1}.${Math.floor(s / 250)}.${(s % 250) + 1}`);
  return Array.from({ length: o.backends }, (_, b) => ({
    name: `be_app${String(b + 1).padStart(2, "0")}`,
    servers: Array.from({ length: o.servers }, (_, s) => ({
      name: `app${String(b + 1).padStart(2, "0")}-${String(s + 1).padStart(2, "0")}`,
      address: `${host(b, s)}:${8000 + b}`,
      status: r.pick(statuses),
      weight: r.pick([1, 10, 50, 100]),
      current_sessions: r.int(0, 200),
      max_sessions: r.pick([null, 500, 1000]),
    })),
  }));
}
