// The benchmark's simulated fleet as one or more simulator processes (`cli.ts --shard i/k`): one
// process may open only `ulimit -n` sockets, and 20,000 agents need 20,000 listeners plus their
// connections, so a big fleet is served by shards of at most SHARD_AGENTS agents. To the poller
// it is one fleet on the same addresses; to the bench, a list of control URLs and process ids.
import { simulatorClient } from "../fagent-sim/client";
import type { AgentInfo } from "../fagent-sim/control";
import type { ChurnOptions, ChurnResult } from "../fagent-sim/fleet";

/** Agents per simulator process: their listeners and as many connections stay far below 20,000 descriptors. */
export const SHARD_AGENTS = 5000;

export const shardCount = (servers: number) => Math.ceil(servers / SHARD_AGENTS);

/** The calls the bench makes, over every shard: the agents in fleet order, a churn of each shard. */
export function fleetClient(controls: string[]) {
  const shards = controls.map((url) => simulatorClient(url));
  return {
    async listAgents(): Promise<AgentInfo[]> {
      return (await Promise.all(shards.map((s) => s.listAgents()))).flat();
    },
    /** The same percentages of every shard (its own apps, the same seed): the fleet's churn in k parts. */
    async churn(options: ChurnOptions): Promise<ChurnResult> {
      const results = await Promise.all(shards.map((s) => s.churn(options)));
      const sum = (key: keyof ChurnResult) => results.reduce((n, r) => n + r[key], 0);
      return {
        changed: sum("changed"),
        statusChanged: sum("statusChanged"),
        removed: sum("removed"),
        added: sum("added"),
      };
    },
  };
}
