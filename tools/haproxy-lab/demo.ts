// HAProxy for the demo fleet and the browser tests: a real HAProxy (when the package is there)
// whose backends are the fleet's own applications, served by the first agent as "lb1", and a
// purely simulated "lb-sim" on the second. Health checks go to each agent's HTTP port (it
// listens), while the server addresses stay the applications' ip:port, so auto-mapping finds them.
import type { WireApp } from "../../server/agent/contract";
import { generateBackends, simulatorClient, type AgentInfo } from "../fagent-sim";
import { haproxyAvailable, startHaproxyLab, type LabBackend } from "./index";

const log = (line: string) => console.log(`[ac] ${line}`);

/** Up to `max` backends, one per application base name found on at least two agents. */
async function fleetBackends(
  control: ReturnType<typeof simulatorClient>,
  agents: AgentInfo[],
  max: number,
): Promise<LabBackend[]> {
  const byBase = new Map<string, LabBackend["servers"]>();
  for (const agent of agents) {
    const apps = await control.getApps(agent.name);
    for (const app of [...apps.docker, ...apps.site, ...apps.service] as WireApp[]) {
      const name = String(app.container_name ?? app.name ?? "");
      const base = /^([a-z][a-z0-9-]*)_\d+$/.exec(name)?.[1];
      if (!base || typeof app.port !== "number") continue;
      const servers = byBase.get(base) ?? [];
      // An agent may report one name twice (a container and a service): HAProxy wants distinct server names.
      if (servers.some((s) => s.name === `${agent.name}_${name}`)) continue;
      servers.push({
        name: `${agent.name}_${name}`,
        address: `${agent.ip}:${app.port}`,
        check: { addr: agent.ip, port: agent.port },
      });
      byBase.set(base, servers);
    }
  }
  return [...byBase]
    .filter(([, servers]) => servers.length >= 2)
    .slice(0, max)
    .map(([base, servers]) => ({ name: `be_${base}`, servers }));
}

/** Runs after the fleet is registered (launchAc's prepare); returns what to stop (exiting stops it too). */
export async function attachDemoHaproxy(
  controlUrl: string,
  options: { simulated?: boolean } = {},
): Promise<{ stop(): Promise<void> }> {
  const { db } = await import("../../server/db");
  const control = simulatorClient(controlUrl);
  const agents = await control.listAgents();
  const register = async (agent: AgentInfo, name: string) => {
    const server = await db().server.update({ where: { name: agent.name }, data: { isHaproxyNode: true } });
    await db().hAProxyInstance.upsert({
      where: { serverId_name: { serverId: server.id, name } },
      create: { name, serverId: server.id },
      update: {},
    });
  };
  let stop = async () => undefined as void;

  if (agents[0] && haproxyAvailable()) {
    // The demo's extra: if HAProxy will not start, AC and the rest of the demo still run.
    try {
      const backends = await fleetBackends(control, agents, 4);
      const lab = await startHaproxyLab({ backends, checkInterMs: 2_000 });
      await control.addHaproxy(agents[0].name, { name: "lb1", socket: lab.socket });
      await register(agents[0], "lb1");
      stop = () => lab.stop();
      log(`real HAProxy "lb1" on ${agents[0].name}: ${backends.length} backends, runtime API ${lab.socket}`);
    } catch (error) {
      console.error(`[ac] the demo's real HAProxy did not start, going on without it: ${(error as Error).message}`);
    }
  } else if (agents[0]) {
    log("haproxy is not installed: the demo has simulated HAProxy instances only (tools/setup.sh installs it)");
  }
  if (agents[1] && options.simulated !== false) {
    const hosts = agents.map((a) => a.ip);
    const backends = generateBackends({
      backends: 6,
      servers: 8,
      seed: 3,
      host: (b, s) => hosts[(b + s) % hosts.length]!,
    });
    // One server DOWN, for the default rule "HAProxy server DOWN" to show (the generated ones have
    // six); DRAIN, MAINT and NOLB stay, since no default rule fires for them.
    let down = 0;
    for (const server of backends.flatMap((b) => b.servers ?? []))
      if (server.status === "DOWN" && down++) server.status = "UP";
    await control.addHaproxy(agents[1].name, { name: "lb-sim", backends });
    await register(agents[1], "lb-sim");
    log(`simulated HAProxy "lb-sim" on ${agents[1].name}`);
  }
  return { stop };
}
