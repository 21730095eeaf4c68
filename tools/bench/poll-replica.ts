// One replica of `npm run bench:poll -- --replicas N` (poll-bench.ts): a process with AC's chunk
// worker (server/jobs/poll-job.ts, the pg-boss queue every scheduler replica works), so N of them
// share each cycle's servers as N AC replicas do. The parent asks, over IPC, for this process's
// CPU time and statements since it last asked and, of the first replica only, for a cycle
// (runPollCycle, as the scheduler runs it). Statements are counted at the driver on AC's pool
// (sql-counter.ts); pg-boss's own pool (fetching, completing and reading chunk jobs) is not in them.
import { config } from "../../server/config";
import { dbPool, initDb } from "../../server/db";
import { stopBoss } from "../../server/jobs/boss";
import { runPollCycle, startChunkWorker } from "../../server/jobs/poll-job";
import { sqlCounter, type SqlTally } from "./sql-counter";

export type ReplicaRequest = { type: "cpu" } | { type: "cycle"; intervalSeconds: number } | { type: "stop" };
export type ReplicaReply =
  | { type: "ready" }
  | { type: "cpu"; cpuMs: number; maxRssMb: number; sql: SqlTally; connections: number; preempted: number }
  | { type: "cycle"; summary: Awaited<ReturnType<typeof runPollCycle>> }
  | { type: "error"; message: string };

const send = (reply: ReplicaReply) => process.send!(reply);
const counter = sqlCounter();
initDb(config().DATABASE_URL!, { Client: counter.Client });
let connections = 0; // opened by AC's pool (each a SCRAM handshake and new prepared statements)
dbPool().on("connect", () => void connections++);
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

process.on("message", (request: ReplicaRequest) => {
  void (async () => {
    try {
      if (request.type === "cpu") {
        const usage = process.resourceUsage();
        const maxRssMb = Math.round(usage.maxRSS / 1024);
        // Involuntary context switches: how often the kernel took the core away (others wanted it).
        const preempted = usage.involuntaryContextSwitches;
        send({ type: "cpu", cpuMs: cpuMs(), maxRssMb, sql: counter.take(), connections, preempted });
      } else if (request.type === "cycle")
        send({ type: "cycle", summary: await runPollCycle(request.intervalSeconds) });
      else {
        await stopBoss();
        process.exit(0);
      }
    } catch (error) {
      send({ type: "error", message: (error as Error).stack ?? String(error) });
    }
  })();
});

try {
  await startChunkWorker();
  send({ type: "ready" });
} catch (error) {
  send({ type: "error", message: (error as Error).stack ?? String(error) });
}
