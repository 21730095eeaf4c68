// Entry point: `tsx tools/fagent-sim/cli.ts --generate 2000x25` starts a fleet and prints one
// JSON line when ready; `cli.ts ctl <command>` drives a running one (see README.md).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { runCtl } from "./ctl";
import { startSimulator } from "./index";
import { generateFleet, placeAgents, scenarioSchema, type ScenarioInput } from "./scenario";

const USAGE = `usage: cli.ts (--scenario file.json | --generate <servers>x<apps> [--seed N])
       [--mode address|port] [--base-address 127.0.0.2] [--port 9100] [--token T] [--token-header H]
       [--control-port 9099] [--churn-every <seconds>] [--churn-apps 3] [--shard i/k]
   or: cli.ts ctl <command> [args] [--control http://127.0.0.1:9099]`;

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "ctl") return runCtl(argv.slice(1));
  const { values: o } = parseArgs({
    args: argv,
    options: {
      scenario: { type: "string" },
      generate: { type: "string" },
      seed: { type: "string" },
      mode: { type: "string" },
      "base-address": { type: "string" },
      port: { type: "string" },
      token: { type: "string" },
      "token-header": { type: "string" },
      "control-port": { type: "string", default: "9099" },
      "churn-every": { type: "string" },
      "churn-apps": { type: "string" },
      shard: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (o.help || !(o.scenario || o.generate)) throw new Error(USAGE);
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const mode = o.mode as "address" | "port" | undefined;
  let scenario: ScenarioInput;
  if (o.generate) {
    const m = /^(\d+)x(\d+)$/.exec(o.generate);
    if (!m) throw new Error(`--generate wants <servers>x<apps>, e.g. 2000x25; got ${o.generate}\n${USAGE}`);
    const fleet = { servers: Number(m[1]), appsPerServer: Number(m[2]), seed: num(o.seed), token: o.token };
    scenario = generateFleet({ ...fleet, mode, baseAddress: o["base-address"], port: num(o.port) });
  } else {
    const file = JSON.parse(readFileSync(o.scenario!, "utf8")) as ScenarioInput;
    scenario = {
      ...file,
      mode: mode ?? file.mode,
      baseAddress: o["base-address"] ?? file.baseAddress,
      port: num(o.port) ?? file.port,
    };
  }
  if (o["token-header"]) scenario.tokenHeader = o["token-header"];
  if (o.shard) scenario = shard(scenario, o.shard);
  const sim = await startSimulator({
    scenario,
    controlPort: Number(o["control-port"]),
    churnEverySec: num(o["churn-every"]),
    churnApps: num(o["churn-apps"]),
    seed: num(o.seed),
  });
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.once("SIGINT", stop).once("SIGTERM", stop);
  console.log(JSON.stringify({ ready: true, control: sim.controlUrl, agents: sim.agents.length }));
}

/**
 * `--shard i/k`: only the i-th of k contiguous slices of the agents (0-based), each where it would
 * be in the whole fleet. A process can open only so many sockets (`ulimit -n`; 20,000 agents need
 * 20,000 listeners plus their connections), so the benchmark runs a big fleet as k processes.
 */
function shard(input: ScenarioInput, spec: string): ScenarioInput {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const [i, k] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(k >= 1 && i < k)) throw new Error(`--shard wants i/k with 0 <= i < k, e.g. 0/4; got ${spec}\n${USAGE}`);
  const placed = placeAgents(scenarioSchema.parse(input));
  const size = Math.ceil(placed.length / k);
  return { ...input, agents: placed.slice(i * size, (i + 1) * size) };
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
