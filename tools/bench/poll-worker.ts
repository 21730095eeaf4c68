// One benchmark configuration, run by poll-bench.ts in a process of its own so that its memory
// figures are its own. The database (DATABASE_URL) is migrated and empty; the simulator runs in
// other processes (--control, one URL per shard). Measures, in order: the physical floor (plain
// fetch and JSON.parse, poll-physical.ts), AC's floor (its client and parser, no database), the
// first cycle, a steady cycle, a churn cycle and a second steady cycle.
//
// Each phase starts cold, as a production cycle does 60 s after the last one: a fresh HTTP
// dispatcher (agent keep-alive is 10 s) and a fresh database pool (pg closes idle connections
// after 10 s). Closing the pool after a phase also makes PostgreSQL's backends flush their
// statistics, which they otherwise hold back for up to 10 s, so the row counts are complete.
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import pLimit from "p-limit";
import pg from "pg";
import {
  clientOptionsFromConfig,
  decodeAppsReply,
  fetchAppsRaw,
  newPollDispatcher,
  pingAgent,
  type AgentClientOptions,
} from "../../server/agent/client";
import { config } from "../../server/config";
import { closeDb, db, initDb } from "../../server/db";
import { pollServers, type CycleSummary } from "../../server/inventory/poll-cycle";
import { pollTargetSelect } from "../../server/inventory/poll-server";
import { cpuMeter, parentPid, type CpuSplit } from "./cpu";
import { physicalConcurrency, physicalFloor } from "./poll-physical";
import { fleetClient } from "./sim-fleet";
import { sqlCounter, type SqlTally } from "./sql-counter";

export type PhaseName = "warm-up" | "physical" | "floor" | "first" | "steady" | "churn" | "steady2";

export type PhaseResult = {
  phase: PhaseName;
  wallMs: number;
  /** Statements the poller sent to PostgreSQL (Prisma's pool, counted at the driver). */
  sql: SqlTally;
  /**
   * n_tup_ins + n_tup_upd + n_tup_del of the application's tables (pg_stat_user_tables; the
   * pg_stat_database totals also count catalog writes, such as autoanalyze's statistics).
   */
  rowsWritten: number;
  /** Highest resident set size of this process while the phase ran (sampled every 10 ms). */
  peakRssMb: number;
  /** CPU time while the phase ran: this process, PostgreSQL, the simulator, the rest of the machine. */
  cpu: CpuSplit;
  /** Servers that failed (offline, unusable reply, store error): the next cycle redoes them. */
  failures: number;
  /** Why, by the last line of the message, with how many servers each. */
  failureReasons: Record<string, number>;
  summary: Omit<CycleSummary, "durationMs"> | null;
};

export type WorkerResult = {
  servers: number;
  apps: number;
  concurrency: number;
  /** Agents the physical floor fetched at once: all, unless `ulimit -n` allowed fewer. */
  physicalConcurrency: number;
  instances: number;
  churn: { changed: number; removed: number; added: number };
  phases: PhaseResult[];
  maxRssMb: number;
};

const { values: args } = parseArgs({
  options: {
    control: { type: "string" },
    servers: { type: "string" },
    apps: { type: "string" },
    seed: { type: "string", default: "1" },
    "sim-pid": { type: "string" },
    /** With --profile-dir: profile only these phases, one <phase>.cpuprofile each (poll-bench --cpu-prof-phase). */
    "profile-phase": { type: "string" },
    "profile-dir": { type: "string" },
  },
});
const profiledPhases = new Set(args["profile-phase"]?.split(",") ?? []);

/** A V8 CPU profile of one phase alone (the whole process's --cpu-prof mixes every phase). */
async function profiling(phase: PhaseName): Promise<() => Promise<void>> {
  if (!profiledPhases.has(phase) || !args["profile-dir"]) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    fs.writeFileSync(path.join(args["profile-dir"]!, `${phase}-${process.pid}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

const counter = sqlCounter();
const sim = fleetClient(args.control!.split(","));
const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));

// The poller's dispatcher, new for each phase (server/agent/client.ts).
const freshDispatcher = newPollDispatcher;

async function tableWrites(stats: pg.Client): Promise<number> {
  const { rows } = await stats.query<{ n: string }>(
    "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint AS n FROM pg_stat_user_tables",
  );
  return Number(rows[0]!.n);
}

/** Reads until two readings 100 ms apart agree: the closed backends' last flushes are in. */
async function settledWrites(stats: pg.Client): Promise<number> {
  let last = await tableWrites(stats);
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await tableWrites(stats);
    if (now === last) return now;
    last = now;
  }
  return last;
}

function rssSampler() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  return () => {
    clearInterval(timer);
    return mb(Math.max(peak, process.memoryUsage.rss()));
  };
}

type Run = (agent: AgentClientOptions) => Promise<{ failures: string[]; summary: PhaseResult["summary"] }>;

function tally(messages: string[]): Record<string, number> {
  const reasons: Record<string, number> = {};
  for (const message of messages) {
    const last = message.trim().split("\n").at(-1)!.trim().slice(0, 120);
    reasons[last] = (reasons[last] ?? 0) + 1;
  }
  return reasons;
}

type Stats = { client: pg.Client; postmasterPid: number };

async function measure(phase: PhaseName, stats: Stats, run: Run): Promise<PhaseResult> {
  const before = await tableWrites(stats.client);
  const dispatcher = freshDispatcher();
  counter.take();
  const stopSampler = rssSampler();
  const stopProfile = await profiling(phase);
  const cpuSince = cpuMeter(stats.postmasterPid, args["sim-pid"]!.split(",").map(Number));
  const started = performance.now();
  const { failures: failed, summary } = await run({ ...clientOptionsFromConfig(config()), dispatcher });
  // Closing the phase's sockets is part of it: the physical floor closes its own, and a real
  // cycle's close when their keep-alive ends (10 s), on the same process.
  const closing = process.cpuUsage();
  await dispatcher.close();
  const closeCpu = process.cpuUsage(closing);
  const wallMs = Math.round(performance.now() - started);
  const cpu = cpuSince();
  await stopProfile();
  const peakRssMb = stopSampler();
  const sql = counter.take();
  await closeDb();
  const rowsWritten = (await settledWrites(stats.client)) - before;
  const failures = failed.length;
  const result = { phase, wallMs, sql, rowsWritten, peakRssMb, cpu, failures, failureReasons: tally(failed), summary };
  const closeMs = Math.round((closeCpu.user + closeCpu.system) / 1000);
  const cpuLine = `CPU s: poller ${cpu.pollerMs / 1000} (closing sockets ${closeMs / 1000}), postgres ${cpu.postgresMs / 1000}, simulator ${cpu.simulatorMs / 1000}, other ${cpu.otherMs / 1000}`;
  console.error(
    `[bench]   ${phase}: ${wallMs} ms, ${sql.statements} statements, ${rowsWritten} rows, ${peakRssMb} MB, ${cpuLine}${failures ? `, ${failures} FAILED` : ""}`,
  );
  return result;
}

const cycle: Run = async (agent) => {
  const { summary, outcomes } = await pollServers({}, { agent });
  const { durationMs: _, ...rest } = summary;
  const failed = outcomes.filter((o) => o.result === "offline" || o.result === "apps_failed");
  return { failures: failed.map((o) => o.error ?? o.result), summary: rest };
};

/** The same agents, the same requests and parsing, the same concurrency; no database at all. */
function floor(targets: { ip: string; port: number; agentToken: string | null }[]): Run {
  return async (agent) => {
    const limit = pLimit(config().POLL_CONCURRENCY);
    const fetched = await Promise.allSettled(
      targets.map((target) =>
        limit(async () => {
          await pingAgent(target, agent);
          return decodeAppsReply(await fetchAppsRaw(target, agent), target).apps.length;
        }),
      ),
    );
    const failed = fetched.flatMap((f) =>
      f.status === "rejected" ? [String((f.reason as Error).message ?? f.reason)] : [],
    );
    return { failures: failed, summary: null };
  };
}

/** Plain Node, every agent at once (poll-physical.ts): the limit every ratio is taken against. */
function physical(targets: { ip: string; port: number; agentToken: string | null }[]): Run {
  return async () => ({ failures: await physicalFloor(targets, config().AGENT_TOKEN_HEADER), summary: null });
}

async function main(): Promise<WorkerResult> {
  initDb(config().DATABASE_URL!, { Client: counter.Client });
  const client = new pg.Client({ connectionString: config().DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const stats: Stats = { client, postmasterPid: parentPid(rows[0]!.pid) };
    const agents = await sim.listAgents();
    await db().server.createMany({ data: agents.map((a) => ({ name: a.name, ip: a.ip, port: a.port })) });
    const targets = await db().server.findMany({ select: pollTargetSelect, orderBy: { id: "asc" } });
    await closeDb();

    // A first, unmeasured pass warms the JIT on the fetch-and-parse paths every phase shares.
    await measure("warm-up", stats, physical(targets));
    await measure("warm-up", stats, floor(targets));
    const phases = [await measure("physical", stats, physical(targets))];
    phases.push(await measure("floor", stats, floor(targets)));
    phases.push(await measure("first", stats, cycle));
    const instances = await db().applicationInstance.count();
    phases.push(await measure("steady", stats, cycle));
    const churned = await sim.churn({ changeVersionPct: 10, removePct: 5, addPct: 5, seed: Number(args.seed) });
    phases.push(await measure("churn", stats, cycle));
    phases.push(await measure("steady2", stats, cycle));
    return {
      servers: Number(args.servers),
      apps: Number(args.apps),
      concurrency: config().POLL_CONCURRENCY,
      physicalConcurrency: physicalConcurrency(targets.length),
      instances,
      churn: { changed: churned.changed, removed: churned.removed, added: churned.added },
      phases,
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await client.end();
    await closeDb();
  }
}

// The parent owns this process: if it goes away (Ctrl-C, a kill), so does the work.
process.on("disconnect", () => process.exit(1));
main().then(
  (result) => process.send!({ type: "result", result }, () => process.exit(0)),
  (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.send!({ type: "error", message }, () => process.exit(1));
  },
);
