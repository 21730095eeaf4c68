// The HAProxy benchmark (docs/performance.md, "HAProxy"): `npx tsx tools/bench/haproxy-bench.ts` (after `npx next build`
// for the page figures). A throwaway PostgreSQL; the agent simulator as a separate process with
// 50 agents on 127.0.170.x, each serving one simulated HAProxy instance of 20 backends × 20
// servers; 400 AC servers with one instance each, so every HAProxy server auto-maps. Measures the
// sync of all instances (first, unchanged, everything changed), then the production server's
// HAProxy pages and tRPC procedures. Everything it starts is stopped and deleted on the way out.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { reloadConfig } from "../../server/config";
import { startTemporaryPostgres, type EmbeddedPostgresHandle } from "../db/embedded";
import { createDatabaseIfMissing, withDatabase } from "../db/ensure";
import { applyMigrations } from "../db/apply-migrations";
import { generateBackends, simulatorClient, type ScenarioInput } from "../fagent-sim";
import { logIn, startWebServer } from "./web-server";

const USAGE = `usage: npx tsx tools/bench/haproxy-bench.ts [--instances 50] [--backends 20] [--servers 20]
       [--requests 40] [--no-web] [--keep] [--json <file>]`;
const { values: o } = parseArgs({
  options: {
    instances: { type: "string", default: "50" },
    backends: { type: "string", default: "20" },
    servers: { type: "string", default: "20" },
    requests: { type: "string", default: "40" },
    "no-web": { type: "boolean", default: false },
    /** Keep everything running after the figures (Ctrl-C stops), to look at the pages by hand. */
    keep: { type: "boolean", default: false },
    json: { type: "string" },
    help: { type: "boolean" },
  },
});
if (o.help) {
  console.log(USAGE);
  process.exit(0);
}

const root = path.resolve(import.meta.dirname, "../..");
const log = (line: string) => console.error(`[bench] ${line}`);
const ADMIN = { login: "bench-admin", password: "bench-admin-password" };
const [INSTANCES, BACKENDS, SERVERS, REQUESTS] = [o.instances, o.backends, o.servers, o.requests].map(Number) as [
  number,
  number,
  number,
  number,
];
// Away from the tests' 127.0.99.x and the other benchmarks' 127.0.160.x.
const BASE_ADDRESS = "127.0.170.2";
/** The app servers every LB fronts: 10.<b+1>.0.<s+1>:<8000+b>, as generateBackends' default. */
const appHost = (b: number, s: number) => `10.${b + 1}.0.${s + 1}`;

const children: ChildProcess[] = [];
let postgres: EmbeddedPostgresHandle | null = null;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ac-haproxy-bench-"));

async function stopAll() {
  try {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await Promise.all(
      children.map((c) =>
        c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once("exit", r)) : null,
      ),
    );
    const { closeDb } = await import("../../server/db");
    await closeDb().catch(() => undefined);
    await postgres?.stop();
    postgres = null;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
process.on("exit", () => {
  children.forEach((c) => c.kill("SIGKILL"));
  fs.rmSync(tmp, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));

async function startSimulatorProcess(): Promise<string> {
  const scenario: ScenarioInput = {
    mode: "address",
    baseAddress: BASE_ADDRESS,
    port: 9200,
    agents: Array.from({ length: INSTANCES }, (_, i) => ({
      name: `lb-${String(i + 1).padStart(3, "0")}`,
      haproxy: [
        {
          name: "lb",
          backends: generateBackends({ backends: BACKENDS, servers: SERVERS, seed: i + 1, host: appHost }),
        },
      ],
    })),
  };
  const file = path.join(tmp, "scenario.json");
  fs.writeFileSync(file, JSON.stringify(scenario));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(root, "tools/fagent-sim/cli.ts"), "--scenario", file, "--control-port", "0"],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`simulator exited (${code})`)));
  });
  return (JSON.parse(line) as { control: string }).control;
}

async function seed(controlUrl: string) {
  const { db } = await import("../../server/db");
  const agents = await simulatorClient(controlUrl).listAgents();
  await db().server.createMany({
    data: agents.map((a) => ({ name: a.name, ip: a.ip, port: a.port, isHaproxyNode: true })),
  });
  const lbs = await db().server.findMany({ where: { isHaproxyNode: true }, select: { id: true } });
  await db().hAProxyInstance.createMany({ data: lbs.map((s) => ({ name: "lb", serverId: s.id })) });
  // The application servers behind the LBs, one instance each on the port the backends use.
  const hosts = Array.from({ length: BACKENDS * SERVERS }, (_, n) => ({ b: Math.floor(n / SERVERS), s: n % SERVERS }));
  await db().server.createMany({
    data: hosts.map(({ b, s }) => ({ name: `app-${b + 1}-${s + 1}`, ip: appHost(b, s), port: 9100 })),
  });
  const apps = await db().server.findMany({
    where: { name: { startsWith: "app-" } },
    select: { id: true, name: true },
  });
  await db().applicationInstance.createMany({
    data: apps.map((a) => ({
      serverId: a.id,
      instanceName: `app${a.name.split("-")[1]!.padStart(2, "0")}_1`,
      appType: "docker" as const,
      port: 7999 + Number(a.name.split("-")[1]),
    })),
  });
}

async function timeSync(label: string) {
  const { syncAllInstances } = await import("../../server/haproxy/sync");
  const started = performance.now();
  const summary = await syncAllInstances();
  const ms = Math.round(performance.now() - started);
  log(`${label}: ${ms} ms (${JSON.stringify(summary)})`);
  if (summary.failed) throw new Error(`${summary.failed} instance syncs failed`);
  return { label, ms, ...summary };
}

// ───────────────────────────── the web server ─────────────────────────────

const percentile = (sorted: number[], p: number) =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN);

/** `REQUESTS` requests, `concurrency` at a time, after two warm-up requests. */
async function measure(name: string, url: string, headers: Record<string, string>, concurrency = 1) {
  const one = async () => {
    const started = performance.now();
    const res = await fetch(url, { headers, redirect: "manual" });
    const body = await res.arrayBuffer();
    if (res.status !== 200)
      throw new Error(`${name}: HTTP ${res.status} ${Buffer.from(body).toString().slice(0, 200)}`);
    return { ms: performance.now() - started, bytes: body.byteLength };
  };
  await one();
  await one();
  const times: number[] = [];
  let bytes = 0;
  let left = REQUESTS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const r = await one();
        times.push(r.ms);
        bytes = r.bytes;
      }
    }),
  );
  times.sort((a, b) => a - b);
  const row = {
    name,
    concurrency,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: Math.round(times.at(-1)!),
    kb: Math.round(bytes / 1024),
  };
  log(`${name} ×${concurrency}: p50 ${row.p50} ms, p95 ${row.p95} ms, max ${row.max} ms, ${row.kb} KB`);
  return row;
}

async function main() {
  log("starting a throwaway PostgreSQL");
  postgres = await startTemporaryPostgres();
  const databaseUrl = withDatabase(postgres.url, "ac_haproxy_bench");
  await createDatabaseIfMissing(databaseUrl);
  await applyMigrations(databaseUrl);
  process.env.DATABASE_URL = databaseUrl;
  reloadConfig();

  log(`starting the simulator: ${INSTANCES} agents × 1 HAProxy × ${BACKENDS} backends × ${SERVERS} servers`);
  const controlUrl = await startSimulatorProcess();
  await seed(controlUrl);

  const syncs = [
    await timeSync("first sync (creates everything, maps every server)"),
    await timeSync("unchanged sync"),
  ];
  const control = simulatorClient(controlUrl);
  for (const [i, agent] of (await control.listAgents()).entries()) {
    await control.setHaproxyBackends(
      agent.name,
      "lb",
      generateBackends({ backends: BACKENDS, servers: SERVERS, seed: 1000 + i, host: appHost }),
    );
  }
  syncs.push(await timeSync("sync with every server changed (status, weight, sessions)"));

  const web: Awaited<ReturnType<typeof measure>>[] = [];
  if (o["no-web"] || !fs.existsSync(path.join(root, ".next/BUILD_ID"))) {
    log("skipping the pages: --no-web, or no production build (run `npx next build`)");
  } else {
    const { createUser } = await import("../../server/users/users");
    const { createApiToken } = await import("../../server/users/api-tokens");
    await createUser({ ...ADMIN, role: "admin" });
    const { secret } = await createApiToken({ name: "haproxy-bench", role: "admin" });
    const { db } = await import("../../server/db");
    const backendId = (await db().hAProxyBackend.findFirstOrThrow({ select: { id: true } })).id;
    log("starting next start (production build)");
    const server = await startWebServer(databaseUrl);
    children.push(server.child);
    const { base } = server;
    const cookie = { cookie: await logIn(base, ADMIN) };
    const bearer = { authorization: `Bearer ${secret}` };
    const trpc = (p: string, input?: unknown) =>
      `${base}/api/trpc/${p}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`;
    web.push(await measure("page /haproxy (25 backends, collapsed)", `${base}/haproxy`, cookie));
    web.push(await measure("page /haproxy", `${base}/haproxy`, cookie, 4));
    web.push(await measure("page /haproxy?status=DOWN (open, filtered)", `${base}/haproxy?status=DOWN`, cookie));
    web.push(await measure("page /haproxy?q=app07-1 (open, text)", `${base}/haproxy?q=app07-1`, cookie));
    web.push(await measure("page /haproxy/actions", `${base}/haproxy/actions`, cookie));
    web.push(await measure("tRPC haproxy.summary", trpc("haproxy.summary"), bearer));
    web.push(await measure("tRPC haproxy.instances", trpc("haproxy.instances", {}), bearer));
    web.push(await measure("tRPC haproxy.view (page 1)", trpc("haproxy.view", {}), bearer));
    web.push(await measure("tRPC haproxy.view (page 40)", trpc("haproxy.view", { page: 40 }), bearer));
    web.push(await measure("tRPC haproxy.servers (one backend)", trpc("haproxy.servers", { backendId }), bearer));
    if (o.keep) {
      fs.writeFileSync(path.join(tmp, "session"), JSON.stringify({ base, cookie: cookie.cookie, token: secret }));
      log(`kept running: ${base}, session in ${path.join(tmp, "session")}; Ctrl-C stops`);
      await new Promise(() => undefined);
    }
  }
  const result = {
    setup: {
      instances: INSTANCES,
      backends: BACKENDS,
      servers: SERVERS,
      total: INSTANCES * BACKENDS * SERVERS,
      cpus: os.cpus().length,
    },
    syncs,
    web,
  };
  console.log(JSON.stringify(result, null, 2));
  if (o.json) fs.writeFileSync(o.json, JSON.stringify(result, null, 2));
}

main()
  .then(() => stopAll())
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    await stopAll();
    process.exit(1);
  });
