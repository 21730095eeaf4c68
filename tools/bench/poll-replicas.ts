// `npm run bench:poll -- --replicas N` (poll-bench.ts): the cycle shared by N replica processes
// (poll-replica.ts) through AC's own mechanism, the pg-boss chunk queue, and the CPU-seconds
// each replica spends per cycle: the quantity that scales out (docs/performance.md, "Replicas").
// On one machine the replicas share its cores, so wall times do not shrink the way CPU per replica does.
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { cpuMeter, parentPid, type CpuSplit } from "./cpu";
import { fleetClient } from "./sim-fleet";
import type { ReplicaReply, ReplicaRequest } from "./poll-replica";
import type { SqlTally } from "./sql-counter";

export type ReplicaCycle = {
  cycle: string;
  wallMs: number;
  servers: number;
  updated: number;
  failures: number;
  skipped: number;
  /** Per replica: the chunk workers' share and, for b1, the cycle's own bookkeeping. */
  cpuMs: number[];
  /** Per replica: its highest resident set size so far (the process's maxRSS). */
  maxRssMb: number[];
  /** Per replica: what it sent on AC's pool during the cycle (not pg-boss's own statements). */
  sql: SqlTally[];
  /** Per replica: involuntary context switches during the cycle (the kernel gave its core to another process). */
  preempted: number[];
  /** Per replica: the database connections its pool opened during the cycle. */
  connections: number[];
  /** Per replica: the chunks it polled. */
  chunks: number[];
  /** Per replica: the servers its chunks polled (skipped ones not counted). */
  polled: number[];
  /** The machine's 1-minute load average when the cycle ended (it counts the bench's own processes). */
  load: number;
  /** PostgreSQL, the simulator and the rest of the machine during the cycle (`pollerMs` is the bench's own). */
  cpu: CpuSplit;
};

type Deps = {
  root: string;
  track: (child: ChildProcess) => ChildProcess;
  stopChild: (child: ChildProcess) => Promise<void>;
};

/** Asks a replica and waits for its reply of that type (or its error). */
function ask<T extends ReplicaReply["type"]>(child: ChildProcess, request: ReplicaRequest | null, type: T) {
  return new Promise<Extract<ReplicaReply, { type: T }>>((resolve, reject) => {
    const done = () => (child.off("message", onMessage), child.off("exit", onExit));
    const onExit = (code: number | null) => (done(), reject(new Error(`a replica exited (code ${code})`)));
    const onMessage = (reply: ReplicaReply) => {
      if (reply.type !== type && reply.type !== "error") return;
      done();
      if (reply.type === "error") reject(new Error(`a replica failed: ${reply.message}`));
      else resolve(reply as Extract<ReplicaReply, { type: T }>);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
    if (request) child.send(request);
  });
}

export async function runReplicaBench(
  deps: Deps,
  options: {
    databaseUrl: string;
    controls: string[];
    /** The simulator's processes, for their CPU time. */
    simulatorPids: number[];
    replicas: number;
    /** Churn cycles, each followed by a steady one: later churns show the replicas warm. */
    churns: number;
    concurrency: string;
    seed: number;
    /** Epoch ms: past it the bench gives up (the configuration's --timeout). */
    deadline: number;
  },
): Promise<ReplicaCycle[]> {
  const sim = fleetClient(options.controls);
  const agents = await sim.listAgents();
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  await client.query(
    `INSERT INTO servers (name, ip, port, updated_at) SELECT * FROM unnest($1::text[], $2::text[], $3::int[]), now()`,
    [agents.map((a) => a.name), agents.map((a) => a.ip), agents.map((a) => a.port)],
  );
  const postmasterPid = parentPid((await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid);
  /** Completed chunks and the servers they polled so far, by the replica that polled them (their output names it). */
  const chunksByReplica = async () => {
    const { rows } = await client.query<{ replica: string; n: number; polled: number }>(
      `SELECT output->>'replica' AS replica, count(*)::int AS n,
              sum((output->>'servers')::int - (output->>'skipped')::int)::int AS polled
       FROM pgboss.job WHERE name = 'poll-chunk' AND state = 'completed' GROUP BY 1`,
    );
    return new Map(rows.map((row) => [row.replica, row]));
  };

  const replicas = Array.from({ length: options.replicas }, (_, i) =>
    deps.track(
      fork(path.join(deps.root, "tools/bench/poll-replica.ts"), [], {
        cwd: deps.root,
        execArgv: ["--import", "tsx"],
        env: {
          ...process.env,
          DATABASE_URL: options.databaseUrl,
          AC_REPLICA_NAME: `b${i + 1}`,
          POLL_CONCURRENCY: options.concurrency,
        },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    ),
  );
  const idle = { servers: 0, updated: 0, failures: 0, skipped: 0 };
  const measure = async () => {
    await Promise.all(replicas.map((child) => ask(child, null, "ready")));
    const cpu = () => Promise.all(replicas.map((child) => ask(child, { type: "cpu" }, "cpu")));
    const cycles: ReplicaCycle[] = [];
    // First 10 s with no cycle: what a replica spends only by being there (pg-boss's loops, timers).
    // Then the first and a steady cycle, and `churns` times the same churn as the one-process bench
    // (poll-worker.ts) with a steady cycle after it: the later ones show each replica warm (its JIT
    // and heap grown), as a long-running replica is.
    const names = ["idle", "first", "steady"];
    for (let i = 1; i <= options.churns; i++) names.push(`churn ${i}`, `steady ${i}`);
    for (const cycle of names) {
      const churn = /^churn (\d+)$/.exec(cycle);
      if (churn) {
        const seed = options.seed + Number(churn[1]) - 1;
        await sim.churn({ changeVersionPct: 10, removePct: 5, addPct: 5, seed });
      }
      const before = await cpu();
      const chunksBefore = await chunksByReplica();
      const machine = cpuMeter(postmasterPid, options.simulatorPids);
      const started = Date.now();
      // A long interval: the bench measures a whole cycle, so no cycle deadline cuts it short.
      const { summary } =
        cycle === "idle"
          ? await new Promise<{ summary: typeof idle }>((resolve) =>
              setTimeout(() => resolve({ summary: idle }), 10_000),
            )
          : await ask(replicas[0]!, { type: "cycle", intervalSeconds: 3600 }, "cycle");
      const wallMs = Date.now() - started;
      const after = await cpu();
      const split = machine();
      const chunksAfter = await chunksByReplica();
      const delta = (key: "n" | "polled") =>
        replicas.map(
          (_, i) => (chunksAfter.get(`b${i + 1}`)?.[key] ?? 0) - (chunksBefore.get(`b${i + 1}`)?.[key] ?? 0),
        );
      const replicasMs = after.reduce((sum, reply, i) => sum + reply.cpuMs - before[i]!.cpuMs, 0);
      cycles.push({
        cycle,
        wallMs,
        servers: summary.servers,
        updated: summary.updated,
        failures: summary.failures,
        skipped: summary.skipped,
        cpuMs: after.map((reply, i) => reply.cpuMs - before[i]!.cpuMs),
        maxRssMb: after.map((reply) => reply.maxRssMb),
        sql: after.map((reply) => reply.sql),
        connections: after.map((reply, i) => reply.connections - before[i]!.connections),
        preempted: after.map((reply, i) => reply.preempted - before[i]!.preempted),
        chunks: delta("n"),
        polled: delta("polled"),
        load: os.loadavg()[0]!,
        cpu: { ...split, otherMs: Math.max(0, split.otherMs - replicasMs) },
      });
    }
    return cycles;
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const message = "the replicas did not finish within the configuration's --timeout";
    timer = setTimeout(() => reject(new Error(message)), options.deadline - Date.now());
  });
  try {
    return await Promise.race([measure(), timeout]);
  } finally {
    clearTimeout(timer);
    await client.end();
    for (const child of replicas) child.send({ type: "stop" } satisfies ReplicaRequest, () => undefined);
    await Promise.all(replicas.map((child) => deps.stopChild(child)));
  }
}

export function printReplicaCycles(replicas: number, cycles: ReplicaCycle[]): void {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const each = (f: (i: number) => string) => Array.from({ length: replicas }, (_, i) => f(i)).join(" | ");
  console.log(`\n${replicas} replica(s): CPU-seconds each replica spent per cycle (pg-boss chunks)`);
  console.log(`| cycle | wall | load | servers | updated | failed | ${each((i) => `b${i + 1} CPU`)} | total CPU |`);
  console.log(`|---|---|---|---|---|---|${"---|".repeat(replicas)}---|`);
  for (const c of cycles) {
    const total = c.cpuMs.reduce((a, b) => a + b, 0);
    const polled = c.skipped ? `${c.servers} (${c.skipped} skipped)` : String(c.servers);
    console.log(
      `| ${c.cycle} | ${s(c.wallMs)} s | ${c.load.toFixed(1)} | ${polled} | ${c.updated} | ${c.failures} | ${c.cpuMs.map(s).join(" | ")} | ${s(total)} |`,
    );
  }
  console.log(
    `\nPer replica and cycle: chunks (servers) polled; statements on AC's pool (transactions), rows read / written, connections opened, times preempted`,
  );
  console.log(`| cycle | ${each((i) => `b${i + 1}`)} | CPU s: PostgreSQL / simulator / other |`);
  console.log(`|---|${"---|".repeat(replicas)}---|`);
  for (const c of cycles) {
    const cells = c.sql.map(
      (t, i) =>
        `${c.chunks[i]} (${c.polled[i]}): ${t.statements} (${t.byVerb.BEGIN ?? 0}), ${t.rowsRead.toLocaleString("en")} / ${t.rowsAffected.toLocaleString("en")}, ${c.connections[i]} conn., ${c.preempted[i]} preempted`,
    );
    console.log(
      `| ${c.cycle} | ${cells.join(" | ")} | ${s(c.cpu.postgresMs)} / ${s(c.cpu.simulatorMs)} / ${s(c.cpu.otherMs)} |`,
    );
  }
  const peak = cycles.at(-1)?.maxRssMb ?? [];
  console.log(`\nPeak RSS per replica over the run: ${peak.map((mb, i) => `b${i + 1} ${mb} MB`).join(", ")}.`);
}

/**
 * Several replica counts of one run side by side, against one replica alone (the first
 * configuration with N = 1): the busiest replica's CPU is what bounds a cycle when each replica
 * has cores of its own (the scale-out figure); the total says what N processes cost together.
 */
export function printScaleOut(configurations: { replicas: number; cycles: ReplicaCycle[] }[]): void {
  const alone = configurations.find((c) => c.replicas === 1);
  if (!alone || configurations.length < 2) return;
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const pct = (value: number, base: number) => `${Math.round((100 * value) / base)} %`;
  const others = configurations.filter((c) => c !== alone);
  console.log(`\nAgainst one replica alone (N = 1, ${alone.cycles.length} cycles): busiest replica's CPU / total CPU`);
  console.log(
    `| cycle | N = 1 CPU s | ${others.map((c) => `N = ${c.replicas}: busiest / total (chunks)`).join(" | ")} |`,
  );
  console.log(`|---|---:|${"---:|".repeat(others.length)}`);
  for (const [index, base] of alone.cycles.entries()) {
    if (base.cycle === "idle") continue;
    const baseMs = sum(base.cpuMs);
    const cells = others.map((c) => {
      const cycle = c.cycles[index];
      if (cycle?.cycle !== base.cycle) return "–";
      const busiest = Math.max(...cycle.cpuMs);
      return `${pct(busiest, baseMs)} / ${pct(sum(cycle.cpuMs), baseMs)} (${cycle.chunks.join("/")})`;
    });
    console.log(`| ${base.cycle} | ${(baseMs / 1000).toFixed(2)} | ${cells.join(" | ")} |`);
  }
}
