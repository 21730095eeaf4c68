// A simulated fleet registered in AC, for tests that poll and sync for real over HTTP (history
// writer, metrics): the agents' apps and HAProxy servers in the simulator's wire format, every agent
// a server row, every HAProxy instance of its scenario an instance row on it, and HAProxy calls
// that fail fast (no retries, the breaker open after one failure).
import { db } from "@/server/db";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import type { ScenarioInput } from "@/tools/fagent-sim/scenario";

export const dockerApp = (name: string, version: string, status = "running") => ({
  container_name: name,
  image: `reg/${name.replace(/_\d+$/, "")}`,
  tag: version,
  version,
  status,
});

export const haproxyServer = (name: string, status: string, sessions: number) => ({
  name,
  address: `10.0.0.${name.length}:8080`,
  status,
  weight: 1,
  current_sessions: sessions,
  max_sessions: null,
});

/** Starts the simulator and registers what it serves; the caller stops it (and resets setHaproxyOptions). */
export async function startRegisteredFleet(scenario: ScenarioInput): Promise<Simulator> {
  const sim = await startSimulator({ scenario });
  for (const agent of sim.agents) {
    const row = await db().server.create({ data: { name: agent.name, ip: agent.ip, port: agent.port } });
    const spec = scenario.agents.find((a) => a.name === agent.name);
    for (const instance of spec?.haproxy ?? [])
      await db().hAProxyInstance.create({ data: { name: instance.name, serverId: row.id } });
  }
  setHaproxyOptions({
    agent: { timeoutMs: 5_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" },
    retries: 0,
    breakerThreshold: 1,
  });
  return sim;
}
