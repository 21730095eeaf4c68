// `npm run bench:poll -- --replicas N` (poll-bench.ts): the cycle shared by N replica processes
// (poll-replica.ts) through AC's own mechanism, the pg-boss chunk queue, and the CPU-seconds
// each replica spends per cycle: the quantity that scales out (docs/performance.md, "Replicas").
// On one machine the replicas share its cores, so wall times do not shrink the way CPU per replica does.
import { fork, type ChildProcess } from "node:child_process";
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
  /** Per replica: the database connections its pool opened during the cycle. */
  connections: number[];
  /** Per replica: the chunks it polled. */
  chunks: number[];
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
  /** Completed chunks so far, by the replica that polled them (their output names it). */
  const chunksByReplica = async () => {
    const { rows } = await client.query<{ replica: string; n: number }>(
      `SELECT output->>'replica' AS replica, count(*)::int AS n FROM pgboss.job
       WHERE name = 'poll-chunk' AND state = 'completed' GROUP BY 1`,
    );
    return new Map(rows.map((row) => [row.replica, row.n]));
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
    // Then the same churn as the one-process bench (poll-worker.ts) before the third cycle, and
    // another before the fifth: by then every replica has run each path often (its JIT is warm).
    for (const cycle of ["idle", "first", "steady", "churn", "steady2", "churn2", "steady3"]) {
      if (cycle === "churn" || cycle === "churn2") {
        const seed = options.seed + (cycle === "churn2" ? 1 : 0);
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
      const chunks = replicas.map((_, i) => (chunksAfter.get(`b${i + 1}`) ?? 0) - (chunksBefore.get(`b${i + 1}`) ?? 0));
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
        chunks,
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
  console.log(`\n${replicas} replica(s): CPU-seconds each replica spent per cycle (pg-boss chunks)`);
  console.log(
    `| cycle | wall | servers | updated | failed | ${Array.from({ length: replicas }, (_, i) => `b${i + 1} CPU`).join(" | ")} | total CPU |`,
  );
  console.log(`|---|---|---|---|---|${"---|".repeat(replicas)}---|`);
  for (const c of cycles) {
    const total = c.cpuMs.reduce((a, b) => a + b, 0);
    const polled = c.skipped ? `${c.servers} (${c.skipped} skipped)` : String(c.servers);
    console.log(
      `| ${c.cycle} | ${s(c.wallMs)} s | ${polled} | ${c.updated} | ${c.failures} | ${c.cpuMs.map(s).join(" | ")} | ${s(total)} |`,
    );
  }
  console.log(
    `\nPer replica and cycle: chunks polled; statements on AC's pool (transactions), rows read / written, connections opened`,
  );
  console.log(
    `| cycle | ${Array.from({ length: replicas }, (_, i) => `b${i + 1}`).join(" | ")} | CPU s: PostgreSQL / simulator / other |`,
  );
  console.log(`|---|${"---|".repeat(replicas)}---|`);
  for (const c of cycles) {
    const each = c.sql.map(
      (t, i) =>
        `${c.chunks[i]} chunks: ${t.statements} (${t.byVerb.BEGIN ?? 0}), ${t.rowsRead.toLocaleString("en")} / ${t.rowsAffected.toLocaleString("en")}, ${c.connections[i]} connections`,
    );
    console.log(
      `| ${c.cycle} | ${each.join(" | ")} | ${s(c.cpu.postgresMs)} / ${s(c.cpu.simulatorMs)} / ${s(c.cpu.otherMs)} |`,
    );
  }
  const peak = cycles.at(-1)?.maxRssMb ?? [];
  console.log(`\nPeak RSS per replica over the run: ${peak.map((mb, i) => `b${i + 1} ${mb} MB`).join(", ")}.`);
}
