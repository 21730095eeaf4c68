// `cli.ts ctl <command>`: the control API from a shell, printing each answer as JSON.
import { parseArgs } from "node:util";
import type { AppKind, WireApp } from "../../server/agent/contract";
import { simulatorClient } from "./client";
import type { FaultCommand } from "./faults";

const USAGE = `ctl commands:
  agents | apps <agent> | stats | reset-stats
  set <agent> <kind> <app> field=text field:=json ...   e.g. set srv-0001 docker jurws_1 version=1.4.3 port:=8080
  add-app <agent> <kind> '<json>' | remove-app <agent> <kind> <app>
  add-agent '<json>' | remove-agent <agent>
  fault <agent> down|up|slow <ms>|http500|brokenJson|wrongShape|badEntry|oversize <mb>|clear
  churn [--change-version-pct 10] [--change-status-pct 0] [--remove-pct 5] [--add-pct 5] [--seed 1]`;

export async function runCtl(argv: string[]): Promise<void> {
  const { values: o, positionals: p } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      control: { type: "string", default: "http://127.0.0.1:9099" },
      "change-version-pct": { type: "string" },
      "change-status-pct": { type: "string" },
      "remove-pct": { type: "string" },
      "add-pct": { type: "string" },
      seed: { type: "string" },
    },
  });
  const c = simulatorClient(o.control);
  const [cmd, a = "", b = "", d = ""] = p;
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const run: Record<string, () => Promise<unknown>> = {
    agents: () => c.listAgents(),
    apps: () => c.getApps(a),
    stats: () => c.stats(),
    "reset-stats": () => c.resetStats(),
    set: () => c.setApp(a, b as AppKind, d, fields(p.slice(4))),
    "add-app": () => c.addApp(a, b as AppKind, JSON.parse(d) as WireApp),
    "remove-app": () => c.removeApp(a, b as AppKind, d),
    "add-agent": () => c.addAgent(JSON.parse(a)),
    "remove-agent": () => c.removeAgent(a),
    fault: () => c.fault(a, faultCommand(b, d)),
    churn: () =>
      c.churn({
        changeVersionPct: num(o["change-version-pct"]),
        changeStatusPct: num(o["change-status-pct"]),
        removePct: num(o["remove-pct"]),
        addPct: num(o["add-pct"]),
        seed: num(o.seed),
      }),
  };
  const action = cmd === undefined ? undefined : run[cmd];
  if (!action) throw new Error(USAGE);
  console.log(JSON.stringify((await action()) ?? { ok: true }, null, 2));
}

/** httpie-style: `version=1.4.3` is text, `port:=8080` / `tag:=null` is JSON. */
function fields(args: string[]): Record<string, unknown> {
  return Object.fromEntries(
    args.map((arg) => {
      const m = /^([^:=]+)(:?=)(.*)$/s.exec(arg);
      if (!m) throw new Error(`expected field=text or field:=json, got ${arg}`);
      return [m[1], m[2] === ":=" ? JSON.parse(m[3]!) : m[3]];
    }),
  );
}

function faultCommand(name: string, arg: string): FaultCommand {
  if (name === "slow") return { fault: "slow", ms: Number(arg) };
  if (name === "oversize") return { fault: "oversize", mb: Number(arg) };
  return { fault: name } as FaultCommand;
}
