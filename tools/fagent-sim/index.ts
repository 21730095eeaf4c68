// Starts a simulated fleet in this process: the agents' listeners, the in-process control and,
// when asked, the HTTP control API and a churn timer that keeps a demo fleet changing.
import { localControl, type SimulatorControl } from "./control";
import { serveControl } from "./control-http";
import { startEureka, type SimEureka } from "./eureka";
import { Fleet } from "./fleet";
import { rng } from "./random";
import { placeAgents, scenarioSchema, type ScenarioInput } from "./scenario";
import { AgentServers } from "./server";
import { Stats } from "./stats";

export type SimulatorOptions = {
  scenario: ScenarioInput;
  /** Serve the control API on 127.0.0.1:<port>; 0 = any free port; omitted = in-process only. */
  controlPort?: number;
  /** Every this many seconds, `churnApps` random apps change version or status. */
  churnEverySec?: number;
  churnApps?: number;
  /** false: the churn changes statuses only, versions change by updates (the demo). */
  churnVersions?: boolean;
  /** A status the churn changed comes back this many ticks later, as after a restart (the demo); omitted = it stays. */
  churnBlipTicks?: number;
  seed?: number;
  /** Serve a minimal Eureka (eureka.ts) on 127.0.0.1:<port>; 0 = any free port; omitted = none. */
  eurekaPort?: number;
};

export type Simulator = {
  control: SimulatorControl;
  /** The agents as started (a requested port 0 replaced by the real one). */
  agents: { name: string; ip: string; port: number }[];
  controlUrl: string | null;
  /** The Eureka server, when asked for (its `url` is what agents report as eureka_url). */
  eureka: SimEureka | null;
  stop(): Promise<void>;
};

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const scenario = scenarioSchema.parse(options.scenario);
  const fleet = new Fleet();
  const stats = new Stats();
  const servers = new AgentServers(fleet, stats, scenario.tokenHeader);
  const agents = placeAgents(scenario).map((spec) => fleet.add(spec));
  const opened = await Promise.allSettled(agents.map((agent) => servers.open(agent)));
  const failed = opened.find((o) => o.status === "rejected");
  if (failed) {
    await servers.closeAll();
    throw failed.reason;
  }
  const control = localControl(fleet, servers, stats, scenario);
  const http = options.controlPort === undefined ? null : await serveControl(control, options.controlPort);
  const eureka = options.eurekaPort === undefined ? null : await startEureka(fleet, options.eurekaPort);
  const r = rng(options.seed ?? 1);
  const tickOptions = { versions: options.churnVersions, blipTicks: options.churnBlipTicks };
  const timer = options.churnEverySec
    ? setInterval(() => fleet.tick(r, options.churnApps ?? 3, tickOptions), options.churnEverySec * 1000)
    : null;
  return {
    control,
    agents: agents.map(({ name, ip, port }) => ({ name, ip, port })),
    controlUrl: http?.url ?? null,
    eureka,
    async stop() {
      if (timer) clearInterval(timer);
      await Promise.all([servers.closeAll(), http?.close(), eureka?.close()]);
    },
  };
}

export { generateFleet, type FleetOptions, type ScenarioInput } from "./scenario";
export { simulatorClient } from "./client";
export type { SimulatorControl, AgentInfo } from "./control";
export type { FaultCommand } from "./faults";
export { generateBackends, type BackendSpec, type HaproxyFault, type HaproxySpec } from "./haproxy";
export type { HaproxyInfo } from "./haproxy-control";
export type { EurekaFault, EurekaRequest, SimEureka } from "./eureka";
