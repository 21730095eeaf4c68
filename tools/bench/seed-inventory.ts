// A large, realistic inventory for the pages benchmark (tools/bench/pages-bench.ts): servers,
// catalog entries and groups with a long tail of sizes (one group of `bigGroup` instances with
// version drift), instances in every status, 30 days of events and 90 days of version history.
// Deterministic for a seed. Rows go in as a few multi-row statements (unnest of arrays, or
// generate_series in the database), never one by one.
import pg from "pg";
import { rng, type Rng } from "../fagent-sim/random";

export type SeedOptions = {
  servers: number;
  instances: number;
  /** Instances of the largest group (the group page the benchmark opens). */
  bigGroup: number;
  groups: number;
  events: number;
  versionChanges: number;
  seed?: number;
};

export const defaultSeed: SeedOptions = {
  servers: 2000,
  instances: 50_000,
  bigGroup: 500,
  groups: 1200,
  events: 200_000,
  versionChanges: 60_000,
};

export type SeedResult = {
  servers: number;
  instances: number;
  groups: number;
  events: number;
  versionChanges: number;
  bigGroup: { id: number; name: string; instances: number; versions: number };
  ms: number;
};

type AppType = "docker" | "site" | "service";
type Group = { name: string; appType: AppType; size: number; versions: { version: string; share: number }[] };

const WORDS = [
  "billing",
  "auth",
  "gateway",
  "reports",
  "notifier",
  "catalog",
  "payments",
  "docs",
  "scheduler",
  "crm",
  "search",
  "orders",
  "ledger",
  "profile",
  "inventory",
  "pricing",
  "audit",
  "mailer",
  "sms",
  "export",
  "import",
  "media",
  "geo",
  "risk",
];
const SUFFIXES = ["api", "web", "worker", "service", "sync", "portal", "jobs", "backend"];

/**
 * Group sizes: the big group, then a long tail (`A / rank^0.9`: a few groups on hundreds of
 * servers, most on a handful), none above the big group, summing to `instances`.
 */
function groupSizes(o: SeedOptions): number[] {
  const n = o.groups - 1;
  const rest = o.instances - o.bigGroup;
  const cap = Math.max(1, Math.min(o.servers, o.bigGroup - 50));
  if (rest > n * cap || rest < n) throw new Error(`${rest} instances do not fit ${n} groups of 1 to ${cap}`);
  const tail = (a: number) =>
    Array.from({ length: n }, (_, i) => Math.min(cap, Math.max(1, Math.floor(a / (i + 1) ** 0.9))));
  const sum = (sizes: number[]) => sizes.reduce((x, y) => x + y, 0);
  let [low, high] = [0, rest * 10];
  for (let step = 0; step < 60; step++) {
    const mid = (low + high) / 2;
    if (sum(tail(mid)) > rest) high = mid;
    else low = mid;
  }
  const sizes = tail(low);
  for (let left = rest - sum(sizes), i = 0; left > 0; i = (i + 1) % n) {
    if (sizes[i]! < cap) {
      sizes[i]!++;
      left--;
    }
  }
  return [o.bigGroup, ...sizes];
}

const semver = (r: Rng) => `${r.int(1, 4)}.${r.int(0, 20)}.${r.int(0, 30)}`;

/** One current version; a third of the groups (and the big one) drift across two or three. */
function groupVersions(r: Rng, big: boolean): Group["versions"] {
  const current = semver(r);
  if (!big && !r.chance(0.33)) return [{ version: current, share: 1 }];
  const [major, minor, patch] = current.split(".").map(Number) as [number, number, number];
  const previous = `${major}.${minor}.${Math.max(0, patch - 1)}${patch === 0 ? "-rc" : ""}`;
  const older = `${major}.${Math.max(0, minor - 1)}.${patch + 3}`;
  return big
    ? [
        { version: current, share: 0.8 },
        { version: previous, share: 0.16 },
        { version: older, share: 0.04 },
      ]
    : [
        { version: current, share: 0.85 },
        { version: previous, share: 0.15 },
      ];
}

function planGroups(o: SeedOptions, r: Rng): Group[] {
  const taken = new Set<string>();
  return groupSizes(o).map((size, i) => {
    let name = i === 0 ? "jurws" : `${r.pick(WORDS)}-${r.pick(SUFFIXES)}`;
    for (let n = 2; taken.has(name); n++) name = `${name.replace(/-\d+$/, "")}-${n}`;
    taken.add(name);
    const appType: AppType = i === 0 ? "docker" : r.chance(0.6) ? "docker" : r.chance(0.6) ? "service" : "site";
    return { name, appType, size, versions: groupVersions(r, i === 0) };
  });
}

const STATUS_WEIGHTS: [string, number][] = [
  ["online", 0.86],
  ["offline", 0.05],
  ["unknown", 0.02],
  ["starting", 0.015],
  ["stopping", 0.015],
  ["no_data", 0.04],
];

function pickWeighted<T>(r: Rng, weighted: [T, number][]): T {
  let x = r.next();
  for (const [value, weight] of weighted) if ((x -= weight) < 0) return value;
  return weighted[weighted.length - 1]![0];
}

/** Inserts `columns` (name → SQL array type and values) in chunks, one statement each. */
async function insertColumns(
  client: pg.Client,
  table: string,
  columns: Record<string, [string, unknown[]]>,
  chunk = 10_000,
) {
  const names = Object.keys(columns);
  const rows = columns[names[0]!]![1].length;
  for (let start = 0; start < rows; start += chunk) {
    const params = names.map((n) => columns[n]![1].slice(start, start + chunk));
    const unnest = names.map((n, i) => `$${i + 1}::${columns[n]![0]}[]`).join(", ");
    await client.query(
      `INSERT INTO ${table} (${names.map((n) => `"${n}"`).join(", ")}) SELECT * FROM unnest(${unnest})`,
      params,
    );
  }
}

export async function seedInventory(url: string, options: Partial<SeedOptions> = {}): Promise<SeedResult> {
  const o = { ...defaultSeed, ...options };
  if (o.bigGroup > o.servers || o.bigGroup > o.instances)
    throw new Error("the big group cannot be larger than the fleet or the instances");
  const started = performance.now();
  const r = rng(o.seed ?? 1);
  const now = Date.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");

    // Servers: most online and checked a minute ago; some offline with the reason.
    const serverStatus = Array.from({ length: o.servers }, () =>
      pickWeighted(r, [
        ["online", 0.95],
        ["offline", 0.03],
        ["unknown", 0.02],
      ]),
    );
    await insertColumns(client, "servers", {
      name: ["text", serverStatus.map((_, i) => `srv-${String(i + 1).padStart(4, "0")}`)],
      ip: [
        "text",
        serverStatus.map((_, i) => `10.${Math.floor(i / 62500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`),
      ],
      port: ["int", serverStatus.map(() => 9100)],
      status: ['"ServerStatus"', serverStatus],
      last_check: [
        "timestamp",
        serverStatus.map((s) => (s === "unknown" ? null : new Date(now - r.int(5, 90) * 1000))),
      ],
      last_error: [
        "text",
        serverStatus.map((s) =>
          s === "offline" ? "connect ECONNREFUSED (the agent did not answer within 5 s)" : null,
        ),
      ],
      updated_at: ["timestamp", serverStatus.map(() => new Date(now))],
    });
    const serverIds = (await client.query<{ id: number }>("SELECT id FROM servers ORDER BY id")).rows.map(
      (row) => row.id,
    );

    // Catalog entries and groups, one each per application, as polling creates them.
    const groups = planGroups(o, r);
    await insertColumns(client, "application_catalog", {
      name: ["text", groups.map((g) => g.name)],
      app_type: ['"AppType"', groups.map((g) => g.appType)],
      default_playbook_path: ["text", groups.map((_, i) => (i % 10 === 0 ? "/etc/ansible/update-app.yml" : null))],
      updated_at: ["timestamp", groups.map(() => new Date(now))],
    });
    await client.query(`INSERT INTO application_groups (name, catalog_id, description, artifact_list_url, updated_at)
      SELECT c.name, c.id, CASE WHEN c.id % 4 = 0 THEN 'Owned by team ' || (c.id % 9 + 1) END,
        CASE WHEN c.id % 3 = 0 THEN 'https://artifacts.local/' || c.name || '/versions.json' END, now()
      FROM application_catalog c ORDER BY c.id`);
    const stored = await client.query<{ id: number; name: string; catalog_id: number }>(
      "SELECT id, name, catalog_id FROM application_groups",
    );
    const groupIds = new Map(stored.rows.map((g) => [g.name, { groupId: g.id, catalogId: g.catalog_id }]));

    // Instances: each group on consecutive servers from a running cursor, so every server gets
    // instances/servers of them and a group never lands twice on one server.
    const rows = {
      server_id: [] as number[],
      catalog_id: [] as number[],
      group_id: [] as number[],
      instance_name: [] as string[],
      instance_number: [] as number[],
      app_type: [] as string[],
      status: [] as string[],
      container_name: [] as (string | null)[],
      container_id: [] as (string | null)[],
      image: [] as (string | null)[],
      tag: [] as (string | null)[],
      path: [] as (string | null)[],
      log_path: [] as (string | null)[],
      version: [] as string[],
      distr_path: [] as (string | null)[],
      ip: [] as string[],
      port: [] as number[],
      pid: [] as (number | null)[],
      start_time: [] as Date[],
      last_seen: [] as Date[],
      custom_playbook_path: [] as (string | null)[],
      updated_at: [] as Date[],
    };
    let cursor = 0;
    groups.forEach((group, g) => {
      const { groupId, catalogId } = groupIds.get(group.name)!;
      for (let k = 0; k < group.size; k++) {
        const server = serverIds[cursor++ % serverIds.length]!;
        const name = `${group.name}_1`;
        const version = pickWeighted(
          r,
          group.versions.map((v) => [v.version, v.share] as [string, number]),
        );
        const status = pickWeighted(r, STATUS_WEIGHTS);
        const docker = group.appType === "docker";
        const root = group.appType === "site" ? "/var/www" : "/opt/services";
        rows.server_id.push(server);
        rows.catalog_id.push(catalogId);
        rows.group_id.push(groupId);
        rows.instance_name.push(name);
        rows.instance_number.push(1);
        rows.app_type.push(group.appType);
        rows.status.push(status);
        rows.container_name.push(docker ? name : null);
        rows.container_id.push(
          docker ? Array.from({ length: 8 }, () => r.int(0, 0xffffffff).toString(16).padStart(8, "0")).join("") : null,
        );
        rows.image.push(docker ? `registry.local/${group.name}:${version}` : null);
        rows.tag.push(docker ? version : null);
        rows.path.push(docker ? null : `${root}/${group.name}`);
        rows.log_path.push(docker ? null : `/var/log/${group.name}/${group.name}.log`);
        rows.version.push(version);
        rows.distr_path.push(docker ? null : `/opt/distr/${group.name}/${group.name}-${version}.tar.gz`);
        rows.ip.push(docker ? `172.18.${r.int(0, 3)}.${r.int(2, 254)}` : "127.0.0.1");
        rows.port.push(r.int(8000, 8999));
        rows.pid.push(status === "online" ? r.int(300, 65000) : null);
        rows.start_time.push(new Date(now - r.int(3600, 90 * 86400) * 1000));
        rows.last_seen.push(new Date(now - r.int(5, status === "no_data" ? 86400 : 90) * 1000));
        rows.custom_playbook_path.push(g % 50 === 7 && k === 0 ? "/etc/ansible/special-update.yml" : null);
        rows.updated_at.push(new Date(now));
      }
    });
    const types: Record<keyof typeof rows, string> = {
      server_id: "int",
      catalog_id: "int",
      group_id: "int",
      instance_name: "text",
      instance_number: "int",
      app_type: '"AppType"',
      status: '"InstanceStatus"',
      container_name: "text",
      container_id: "text",
      image: "text",
      tag: "text",
      path: "text",
      log_path: "text",
      version: "text",
      distr_path: "text",
      ip: "text",
      port: "int",
      pid: "int",
      start_time: "timestamp",
      last_seen: "timestamp",
      custom_playbook_path: "text",
      updated_at: "timestamp",
    };
    await insertColumns(
      client,
      "application_instances",
      Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, [types[k as keyof typeof rows], v]])),
    );

    // History and events in the database: random instances, spread over 90 and 30 days.
    await client.query("SELECT setseed($1)", [((o.seed ?? 1) % 1000) / 1000]);
    await client.query(
      `WITH picked AS MATERIALIZED (
         SELECT n, 1 + floor(random() * (SELECT max(id) FROM application_instances))::int AS instance_id, random() AS age
         FROM generate_series(1, $1::int) n)
       INSERT INTO application_version_history (instance_id, server_name, instance_name, old_version, new_version, old_tag, new_tag,
         old_image, new_image, changed_at, changed_by, change_source)
       SELECT i.id, s.name, i.instance_name, '0.' || (p.n % 40) || '.0', i.version,
         CASE WHEN i.app_type = 'docker' THEN '0.' || (p.n % 40) || '.0' END, i.tag,
         CASE WHEN i.app_type = 'docker' THEN 'registry.local/x:0.' || (p.n % 40) || '.0' END, i.image,
         now() - p.age * interval '90 days', CASE WHEN p.n % 5 = 0 THEN 'user' ELSE 'agent' END::"ChangedBy",
         CASE WHEN p.n % 5 = 0 THEN 'update_task' ELSE 'polling' END::"ChangeSource"
       FROM picked p JOIN application_instances i ON i.id = p.instance_id
       JOIN servers s ON s.id = i.server_id`,
      [o.versionChanges],
    );
    await client.query(
      `WITH picked AS MATERIALIZED (
         SELECT n, 1 + floor(random() * (SELECT max(id) FROM application_instances))::int AS instance_id, random() AS age, random() AS kind
         FROM generate_series(1, $1::int) n)
       INSERT INTO events (timestamp, event_type, description, status, server_id, instance_id)
       SELECT now() - p.age * interval '30 days', t.event_type::"EventType",
         CASE WHEN t.server_level THEN 'Agent of ' || s.name || CASE WHEN t.event_type = 'connect' THEN ' is answering' ELSE ' stopped answering' END
              ELSE i.instance_name || ' on ' || s.name || ': ' || t.event_type END,
         CASE t.event_type WHEN 'stop' THEN 'offline' WHEN 'disconnect' THEN 'offline' ELSE 'online' END,
         s.id, CASE WHEN t.server_level THEN NULL ELSE i.id END
       FROM picked p
       JOIN application_instances i ON i.id = p.instance_id
       JOIN servers s ON s.id = i.server_id
       CROSS JOIN LATERAL (SELECT CASE WHEN p.kind < 0.15 THEN 'connect' WHEN p.kind < 0.3 THEN 'disconnect' WHEN p.kind < 0.5 THEN 'update'
         WHEN p.kind < 0.7 THEN 'start' WHEN p.kind < 0.9 THEN 'stop' ELSE 'restart' END AS event_type, p.kind < 0.3 AS server_level) t`,
      [o.events],
    );

    // The scheduler's rows, as after a healthy poll cycle.
    const summary = {
      servers: o.servers,
      online: serverStatus.filter((s) => s === "online").length,
      offline: serverStatus.filter((s) => s === "offline").length,
      unchanged: o.servers - 40,
      updated: 40,
      failures: serverStatus.filter((s) => s === "offline").length,
      versionChanges: 12,
      durationMs: 8200,
    };
    await client.query(
      `INSERT INTO job_runs (name, last_run_at, last_ok_at, duration_ms, summary) VALUES
         ('poll-agents', now() - interval '20 seconds', now() - interval '20 seconds', 8200, $1), ('heartbeat', now(), now(), 3, NULL)`,
      [JSON.stringify(summary)],
    );
    await client.query("COMMIT");
    // Fresh statistics and visibility map, as autovacuum would have left a long-running database.
    await client.query("VACUUM ANALYZE");

    const counts = (
      await client.query<Record<string, number>>(`SELECT
      (SELECT count(*)::int FROM servers) AS servers, (SELECT count(*)::int FROM application_instances) AS instances,
      (SELECT count(*)::int FROM application_groups) AS groups, (SELECT count(*)::int FROM events) AS events,
      (SELECT count(*)::int FROM application_version_history) AS history`)
    ).rows[0]!;
    const big = (
      await client.query<{ id: number; name: string; instances: number; versions: number }>(
        `SELECT g.id, g.name, count(*)::int AS instances, count(DISTINCT COALESCE(i.version, i.tag))::int AS versions
       FROM application_groups g JOIN application_instances i ON i.group_id = g.id WHERE g.name = 'jurws' GROUP BY g.id`,
      )
    ).rows[0]!;
    return {
      servers: counts.servers!,
      instances: counts.instances!,
      groups: counts.groups!,
      events: counts.events!,
      versionChanges: counts.history!,
      bigGroup: big,
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
