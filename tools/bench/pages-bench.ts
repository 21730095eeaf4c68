// The inventory pages benchmark (docs/performance.md, "Inventory pages"): `npm run bench:pages` (after `npx next build`).
// A throwaway PostgreSQL seeded with a large inventory (seed-inventory.ts: 2,000 servers,
// 50,000 instances; `--fleet 500k`: 20,000 servers × 25 apps) and HAProxy nodes in front of it
// (seed-haproxy.ts: 50 instances × 20 backends × 20 servers), the production server (`next start`) on a free loopback port, and
// autocannon against each target twice: the HTML page with a logged-in session cookie, and the
// tRPC procedure behind it with an API token. Each target runs with 1 connection (the time the
// server takes for one request) and with 8 (the same under concurrent load). Then the SQL the
// procedures send (taken at the pg driver) is run again under EXPLAIN (ANALYZE, BUFFERS).
// Everything it starts is stopped and deleted on the way out, Ctrl-C included.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { reloadConfig } from "../../server/config";
import { startTemporaryPostgres, type EmbeddedPostgresHandle } from "../db/embedded";
import { createDatabaseIfMissing, withDatabase } from "../db/ensure";
import { applyMigrations } from "../db/apply-migrations";
import type { Context } from "../../server/trpc/context";
import { defaultSeed, seedInventory, type SeedOptions, type SeedResult } from "./seed-inventory";
import { seedHaproxy, type HaproxySeedResult } from "./seed-haproxy";
import { logIn, startWebServer } from "./web-server";

const TARGET_KEYS = [
  "first",
  "filtered",
  "deep",
  "group",
  "dashboard",
  "servers",
  "haproxy",
  "haproxy-search",
  "haproxy-instances",
  "backend",
];
const USAGE = `usage: npm run bench:pages -- [--fleet 50k|500k] [--servers N] [--instances N] [--big-group N] [--duration 10]
       [--connections 1,8] [--only ${TARGET_KEYS.join(",")}] [--no-explain] [--cpu-prof <dir>] [--json <file>] [--dump <dir>]`;

/**
 * The two fleets the benchmark is run at (docs/performance.md): 2,000 servers × 25 apps, and
 * 20,000 × 25 with events and version history bounded as the retention rules keep them.
 */
const FLEETS: Record<string, SeedOptions> = {
  "50k": defaultSeed,
  "500k": {
    servers: 20_000,
    instances: 500_000,
    bigGroup: 5000,
    groups: 12_000,
    events: 1_000_000,
    versionChanges: 300_000,
  },
};

const { values: o } = parseArgs({
  options: {
    fleet: { type: "string", default: "50k" },
    servers: { type: "string" },
    instances: { type: "string" },
    "big-group": { type: "string" },
    /** Seconds each target is measured for, per connection count (a 2 s warm-up comes first). */
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "1,8" },
    only: { type: "string" },
    "no-explain": { type: "boolean", default: false },
    /** Writes a CPU profile of the web server there (node --cpu-prof), to see where a page's time goes. */
    "cpu-prof": { type: "string" },
    json: { type: "string" },
    /** Saves each target's page and tRPC answer there, to see what a page is made of. */
    dump: { type: "string" },
    help: { type: "boolean" },
  },
});
if (o.help) {
  console.log(USAGE);
  process.exit(0);
}

const log = (line: string) => console.error(`[bench] ${line}`);
const BUDGET_MS = 300;
const ADMIN = { login: "bench-admin", password: "bench-admin-password" };

let web: ChildProcess | null = null;
let postgres: EmbeddedPostgresHandle | null = null;

async function stopAll() {
  if (web && web.exitCode === null && web.signalCode === null) {
    const exited = new Promise((resolve) => web!.once("exit", resolve));
    web.kill("SIGTERM");
    const kill = setTimeout(() => web?.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(kill);
  }
  const { closeDb } = await import("../../server/db");
  await closeDb().catch(() => undefined);
  await postgres?.stop();
  postgres = null;
}
process.on("exit", () => web?.kill("SIGKILL"));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  });
}

// ───────────────────────────── targets ─────────────────────────────

type Caller = Awaited<ReturnType<typeof makeCaller>>;
type Target = {
  /** For --only. */
  key: string;
  name: string;
  page: string;
  procedure: { path: string; input: unknown };
  /** Runs before the target is measured: what the scheduler would have done by then. */
  before?: () => Promise<void>;
  /** The procedures the page calls, for the plans (the layout's session lookups left out). */
  calls: (caller: Caller) => Promise<unknown>;
};

/** The router in this process, as the admin (the context module is not imported: next-auth does not load under tsx). */
async function makeCaller() {
  const [{ createCaller }, { db }] = await Promise.all([import("../../server/trpc/root"), import("../../server/db")]);
  const admin = await db().user.findUniqueOrThrow({
    where: { login: ADMIN.login },
    select: { id: true, login: true, displayName: true, role: true },
  });
  const context: Context = {
    actor: { kind: "user", ...admin },
    request: { clientAddress: null, userAgent: "pages-bench", requestId: "pages-bench" },
  };
  return createCaller(context);
}

async function targets(databaseUrl: string, seeded: SeedResult, lb: HaproxySeedResult): Promise<Target[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  // A page four fifths down the list by name, as "Next" pressed 800 times would reach.
  const deep = (
    await client.query<{ instance_name: string; id: number }>(
      "SELECT instance_name, id FROM application_instances ORDER BY instance_name, id OFFSET $1 LIMIT 1",
      [Math.floor(seeded.instances * 0.8)],
    )
  ).rows[0]!;
  await client.end();
  const { encodeCursor } = await import("../../server/inventory/queries/keyset");
  const cursor = encodeCursor({ sort: "name", dir: "asc", before: false, keys: [deep.instance_name, String(deep.id)] });
  const filtered = { status: "online", appType: "docker", q: "api" } as const;
  const group = seeded.bigGroup.id;
  return [
    {
      key: "first",
      name: "applications, first page",
      page: "/applications",
      procedure: { path: "applications.list", input: { limit: 50 } },
      calls: (c) => Promise.all([c.applications.list({ limit: 50 }), c.servers.options()]),
    },
    {
      key: "filtered",
      name: "applications, filtered + searched",
      page: `/applications?${new URLSearchParams(filtered)}`,
      procedure: { path: "applications.list", input: { ...filtered, limit: 50 } },
      calls: (c) => Promise.all([c.applications.list({ ...filtered, limit: 50 }), c.servers.options()]),
    },
    {
      key: "deep",
      name: "applications, deep cursor page",
      page: `/applications?${new URLSearchParams({ sort: "name", dir: "asc", cursor })}`,
      procedure: { path: "applications.list", input: { sort: "name", dir: "asc", cursor, limit: 50 } },
      calls: (c) =>
        Promise.all([c.applications.list({ sort: "name", dir: "asc", cursor, limit: 50 }), c.servers.options()]),
    },
    {
      key: "group",
      name: `group page (${seeded.bigGroup.instances} instances)`,
      page: `/groups/${group}`,
      procedure: { path: "groups.get", input: { id: group } },
      calls: (c) =>
        Promise.all([c.groups.get({ id: group }), c.versions.forGroup({ groupId: group, page: 1, pageSize: 20 })]),
    },
    {
      key: "dashboard",
      name: "dashboard",
      page: "/",
      procedure: { path: "system.overview", input: undefined },
      // The instance totals a poll cycle leaves (server/jobs/hooks.ts), as after one a moment ago.
      before: async () => (await import("../../server/metrics/instance-counts")).refreshInstanceCounts(),
      calls: (c) => c.system.overview(),
    },
    {
      key: "servers",
      name: "servers list",
      page: "/servers",
      procedure: { path: "servers.list", input: {} },
      calls: (c) => c.servers.list({}),
    },
    {
      key: "haproxy",
      name: `HAProxy (${lb.backends} backends, ${lb.servers} servers)`,
      page: "/haproxy",
      procedure: { path: "haproxy.view", input: { withServers: false } },
      calls: (c) => Promise.all([c.haproxy.summary(), c.haproxy.instances({}), c.haproxy.view({ withServers: false })]),
    },
    {
      key: "haproxy-search",
      name: "HAProxy, DOWN servers (backends open)",
      page: "/haproxy?status=DOWN",
      procedure: { path: "haproxy.view", input: { status: "DOWN", withServers: true } },
      calls: (c) =>
        Promise.all([
          c.haproxy.summary(),
          c.haproxy.instances({}),
          c.haproxy.view({ status: "DOWN", withServers: true }),
        ]),
    },
    {
      key: "haproxy-instances",
      name: `HAProxy instances (${lb.instances})`,
      page: "/haproxy/instances",
      procedure: { path: "haproxy.instances", input: {} },
      calls: (c) => Promise.all([c.haproxy.instances({}), c.servers.options({ haproxyNodes: true })]),
    },
    {
      // A backend opened on the page: its servers come with it when the text names it.
      key: "backend",
      name: `HAProxy backend (${lb.backend.servers} servers)`,
      page: `/haproxy?${new URLSearchParams({ instance: String(lb.backend.instanceId), q: lb.backend.name })}`,
      procedure: { path: "haproxy.servers", input: { backendId: lb.backend.id } },
      calls: (c) =>
        Promise.all([
          c.haproxy.summary(),
          c.haproxy.instances({}),
          c.haproxy.view({ instanceId: lb.backend.instanceId, q: lb.backend.name, withServers: true }),
        ]),
    },
  ];
}

// ───────────────────────────── load ─────────────────────────────

type Measured = {
  target: string;
  kind: "page" | "tRPC";
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  bytes: number;
  failures: number;
};

/** Nearest-rank percentile, in whole milliseconds. */
const percentile = (sorted: number[], p: number) =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN);

async function load(url: string, headers: Record<string, string>, connections: number, seconds: number) {
  const latencies: number[] = [];
  let bytes = 0;
  let failures = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, headers, connections, duration: seconds, timeout: 30 }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    instance.on("response", (_client, status, resBytes, ms) => {
      if (status !== 200) failures++;
      latencies.push(ms);
      bytes = resBytes;
    });
  });
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: Math.round(latencies.at(-1) ?? NaN),
    bytes,
    failures: failures + result.errors + result.timeouts,
  };
}

/**
 * What a page is made of: its bytes, and of them the RSC payload Next inlines as
 * `self.__next_f.push` scripts; and the web server's CPU per view (one connection).
 */
type Anatomy = { target: string; pageBytes: number; rscBytes: number; cpuMsPerView?: number };
const anatomy: Anatomy[] = [];

/** CPU time the web server process has used so far (user + system, Linux's /proc), in ms; null elsewhere. */
function webServerCpuMs(): number | null {
  if (!web?.pid) return null;
  try {
    const fields = fs.readFileSync(`/proc/${web.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks of 10 ms
  } catch {
    return null;
  }
}

/** The RSC payload's share of a page: the text of its `self.__next_f.push(…)` scripts. */
const rscBytes = (html: string) =>
  [...html.matchAll(/<script[^>]*>self\.__next_f\.push\(([\s\S]*?)\)<\/script>/g)].reduce(
    (n, m) => n + Buffer.byteLength(m[1]!),
    0,
  );

async function measure(base: string, list: Target[], cookie: string, token: string): Promise<Measured[]> {
  const seconds = Number(o.duration);
  const counts = o.connections.split(",").map(Number);
  const results: Measured[] = [];
  for (const target of list) {
    await target.before?.();
    const trpc =
      `/api/trpc/${target.procedure.path}` +
      (target.procedure.input === undefined
        ? ""
        : `?input=${encodeURIComponent(JSON.stringify({ json: target.procedure.input }))}`);
    const kinds: { kind: Measured["kind"]; url: string; headers: Record<string, string> }[] = [
      { kind: "page", url: base + target.page, headers: { cookie } },
      { kind: "tRPC", url: base + trpc, headers: { authorization: `Bearer ${token}` } },
    ];
    for (const { kind, url, headers } of kinds) {
      // One request by hand first: a redirect to /login or an error must stop the run, not be timed.
      const probe = await fetch(url, { headers, redirect: "manual" });
      const body = await probe.text();
      if (probe.status !== 200)
        throw new Error(`${target.name} (${kind}) answered HTTP ${probe.status}: ${body.slice(0, 300)}`);
      if (kind === "page")
        anatomy.push({ target: target.name, pageBytes: Buffer.byteLength(body), rscBytes: rscBytes(body) });
      if (o.dump) {
        fs.mkdirSync(o.dump, { recursive: true });
        fs.writeFileSync(path.join(o.dump, `${target.key}.${kind === "page" ? "html" : "json"}`), body);
      }
      await load(url, headers, Math.max(...counts), 2); // warm-up
      for (const connections of counts) {
        const cpuBefore = webServerCpuMs();
        const m = await load(url, headers, connections, seconds);
        const cpuAfter = webServerCpuMs();
        if (kind === "page" && connections === counts[0] && cpuBefore !== null && cpuAfter !== null)
          anatomy.at(-1)!.cpuMsPerView = (cpuAfter - cpuBefore) / m.requests;
        results.push({ target: target.name, kind, connections, ...m });
        log(
          `${target.name} · ${kind} · ${connections} conn: p50 ${m.p50} ms, p95 ${m.p95} ms, p99 ${m.p99} ms, ${m.rps.toFixed(1)} req/s${m.failures ? `, ${m.failures} FAILED` : ""}`,
        );
      }
    }
  }
  return results;
}

// ───────────────────────────── plans ─────────────────────────────

type Statement = { text: string; values: unknown[] };

/** Records what the pg driver is asked to run (Prisma's queries and raw SQL alike). */
function tapQueries(): { take(): Statement[] } {
  let taken: Statement[] = [];
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: typeof query }).query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args;
    const text = typeof first === "string" ? first : ((first as { text?: string } | null)?.text ?? "");
    const values =
      typeof first === "string"
        ? Array.isArray(second)
          ? second
          : []
        : ((first as { values?: unknown[] } | null)?.values ?? []);
    if (/^\s*(SELECT|WITH)\b/i.test(text)) taken.push({ text, values });
    return query.apply(this, args);
  };
  return {
    take() {
      const out = taken;
      taken = [];
      return out;
    },
  };
}

const BIG_TABLES = ["application_instances", "events", "application_version_history", "haproxy_servers"];

async function explain(databaseUrl: string, list: Target[], caller: Caller, tap: { take(): Statement[] }) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const report: { target: string; sql: string; ms: number; scans: string[]; seqScans: string[]; plan: string }[] = [];
  try {
    for (const target of list) {
      await target.before?.();
      await target.calls(caller); // warm: the plans below are of a second, cached run
      tap.take();
      await target.calls(caller);
      for (const statement of tap.take()) {
        const rows = (
          await client.query<{ "QUERY PLAN": string }>({
            text: `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
            values: statement.values,
          })
        ).rows;
        const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
        const ms = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
        const scans = [
          ...plan.matchAll(
            /((?:Parallel )?(?:Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan)(?: Backward)?(?: using \S+)? on \S+)/g,
          ),
        ].map((m) => m[1]!);
        const seqScans = scans.filter(
          (s) => /Seq Scan on (\S+)/.test(s) && BIG_TABLES.includes(/on (\S+)/.exec(s)![1]!),
        );
        report.push({
          target: target.name,
          sql: statement.text.replace(/\s+/g, " ").trim(),
          ms,
          scans: [...new Set(scans)],
          seqScans,
          plan,
        });
      }
    }
  } finally {
    await client.end();
  }
  return report;
}

// ───────────────────────────── report ─────────────────────────────

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const loadAtStart = loadAverage();

function machine(pgVersion: string) {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}, ${pgVersion}; load average ${loadAtStart} at the start, ${loadAverage()} at the end`;
}

/**
 * One row per target and kind, a column group per connection count. The budget is judged on one
 * connection: the server's own time for a request. With more connections than the server has
 * cores, a request also waits for the ones ahead of it; those columns show throughput under load.
 */
function printResults(results: Measured[]) {
  const counts = [...new Set(results.map((r) => r.connections))];
  const lines = [
    `| target | kind | response | ${counts.map((c) => `${c} conn.: p50 / p95 / p99 | req/s`).join(" | ")} | p95 ≤ ${BUDGET_MS} ms (${counts[0]} conn.) |`,
    `|---|---|---:|${counts.map(() => "---:|---:|").join("")}:---:|`,
  ];
  const rows = new Map<string, Measured[]>();
  for (const r of results)
    rows.set(`${r.target}\u0000${r.kind}`, [...(rows.get(`${r.target}\u0000${r.kind}`) ?? []), r]);
  for (const measured of rows.values()) {
    const [first] = measured;
    const cells = counts.map((c) => {
      const m = measured.find((r) => r.connections === c);
      return m ? `${m.p50} / ${m.p95} / ${m.p99} ms | ${m.rps.toFixed(1)}` : "— | —";
    });
    const failed = measured.reduce((n, m) => n + m.failures, 0);
    const ok = failed ? `**${failed} failed**` : first!.p95 <= BUDGET_MS ? "yes" : "**no**";
    lines.push(
      `| ${first!.target} | ${first!.kind} | ${(first!.bytes / 1024).toFixed(0)} KB | ${cells.join(" | ")} | ${ok} |`,
    );
  }
  console.log(lines.join("\n"));
}

/**
 * Deterministic figures, unlike the timings: each page's bytes (of them the RSC payload) and the
 * SELECTs its procedures send, with their summed execution time under EXPLAIN ANALYZE.
 */
function printAnatomy(plans: { target: string; ms: number }[]) {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  console.log("\n### What each page is made of\n");
  console.log(
    "| target | page | of which RSC payload | web server CPU per view (1 conn.) | SELECTs | their execution time |\n|---|---:|---:|---:|---:|---:|",
  );
  for (const a of anatomy) {
    const mine = plans.filter((p) => p.target === a.target);
    const sql = mine.length ? `${mine.length} | ${mine.reduce((n, p) => n + p.ms, 0).toFixed(1)} ms` : "— | —";
    const cpu = a.cpuMsPerView === undefined ? "—" : `${a.cpuMsPerView.toFixed(1)} ms`;
    console.log(`| ${a.target} | ${kb(a.pageBytes)} | ${kb(a.rscBytes)} | ${cpu} | ${sql} |`);
  }
}

async function main() {
  const fleet = FLEETS[o.fleet];
  if (!fleet) throw new Error(`--fleet must be one of ${Object.keys(FLEETS).join(", ")}`);
  const seedOptions: SeedOptions = {
    ...fleet,
    ...(o.servers ? { servers: Number(o.servers) } : {}),
    ...(o.instances ? { instances: Number(o.instances) } : {}),
    ...(o["big-group"] ? { bigGroup: Number(o["big-group"]) } : {}),
  };
  log("starting a throwaway PostgreSQL");
  postgres = await startTemporaryPostgres();
  const databaseUrl = withDatabase(postgres.url, "ac_pages_bench");
  await createDatabaseIfMissing(databaseUrl);
  await applyMigrations(databaseUrl);
  log(`seeding ${seedOptions.servers} servers, ${seedOptions.instances} instances`);
  const seeded = await seedInventory(databaseUrl, seedOptions);
  log(`seeded in ${(seeded.ms / 1000).toFixed(1)} s: ${JSON.stringify(seeded)}`);
  const lb = await seedHaproxy(databaseUrl);
  log(`HAProxy seeded in ${(lb.ms / 1000).toFixed(1)} s: ${JSON.stringify(lb)}`);

  process.env.DATABASE_URL = databaseUrl;
  reloadConfig();
  const tap = tapQueries();
  const { createUser } = await import("../../server/users/users");
  const { createApiToken } = await import("../../server/users/api-tokens");
  await createUser({ ...ADMIN, role: "admin" });
  const { secret } = await createApiToken({ name: "pages-bench", role: "admin" });

  const only = o.only?.split(",").map((s) => s.trim().toLowerCase());
  const list = (await targets(databaseUrl, seeded, lb)).filter((t) => !only || only.includes(t.key));
  const caller = await makeCaller();

  log("starting next start (production build)");
  const profile = o["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(o["cpu-prof"])] : [];
  const server = await startWebServer(databaseUrl, { nodeArgs: profile });
  web = server.child;
  const { base } = server;
  const cookie = await logIn(base, ADMIN);
  log(`logged in; measuring ${list.length} targets, ${o.duration} s each per connection count (${o.connections})`);
  const results = await measure(base, list, cookie, secret);
  const plans = o["no-explain"] ? [] : await explain(databaseUrl, list, caller, tap);

  const version = new pg.Client({ connectionString: databaseUrl });
  await version.connect();
  const pgVersion = (await version.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
  await version.end();

  console.log(
    `\n## Inventory pages: ${seeded.servers} servers, ${seeded.instances} instances, ${seeded.groups} groups, ${seeded.events} events, ${seeded.versionChanges} version changes; HAProxy: ${lb.instances} instances, ${lb.backends} backends, ${lb.servers} servers`,
  );
  console.log(`machine: ${machine(`PostgreSQL ${pgVersion}`)}\n`);
  printResults(results);
  printAnatomy(plans);
  if (plans.length) {
    console.log("\n### Statements behind the pages (EXPLAIN ANALYZE, second run)\n");
    console.log("| target | ms | scans | SQL |\n|---|---:|---|---|");
    for (const p of plans)
      console.log(
        `| ${p.target} | ${p.ms.toFixed(2)} | ${p.scans.join("; ")} | \`${p.sql.slice(0, 160)}${p.sql.length > 160 ? "…" : ""}\` |`,
      );
    const seq = plans.filter((p) => p.seqScans.length);
    console.log(
      seq.length
        ? `\nSequential scans of large tables: ${seq.length}`
        : "\nNo sequential scan of a large table (application_instances, events, application_version_history, haproxy_servers).",
    );
    console.log("\n### Plans\n");
    for (const p of plans) console.log(`-- ${p.target}\n-- ${p.sql}\n${p.plan}\n`);
  }
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ seeded, results, plans }, null, 2));
  const fewest = Math.min(...results.map((r) => r.connections));
  const missed = results.filter((r) => r.connections === fewest && r.p95 > BUDGET_MS);
  if (missed.length)
    log(
      `over ${BUDGET_MS} ms at p95 with ${fewest} connection(s): ${missed.map((m) => `${m.target} (${m.kind})`).join(", ")}`,
    );
}

try {
  await main();
} finally {
  await stopAll();
}
