// The scheduled poll cycle, shared by the replicas (docs/operations.md, "Replicas"). The replica
// that takes the cycle's job (cluster-jobs.ts) splits the servers into chunks, longest unpolled
// first, and queues them on "poll-chunk"; the chunk workers of every scheduler replica poll them
// (inventory/poll-cycle.ts), one chunk at a time each, so every server is polled once per cycle
// and a bigger fleet is covered by more replicas. The cycle waits for its chunks, sums their
// summaries and calls onPollCycleFinished once.
import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { config } from "../config";
import { db } from "../db";
import { cycleCountsSchema, pollServers, type CycleSummary } from "../inventory/poll-cycle";
import { errorMessage } from "../../lib/errors";
import { boss } from "./boss";
import { ensureQueue } from "./cluster-jobs";
import { onPollCycleFinished } from "./hooks";
import { replicaName } from "./replica";

export const POLL_CHUNK_QUEUE = "poll-chunk";

export type PollCycleSummary = CycleSummary & { chunks: number; replicas: string[] };

const chunkData = z.object({ ids: z.array(z.number().int()), pollUntil: z.number() });
const chunkOutput = cycleCountsSchema.extend({ replica: z.string() });
type ChunkOutput = z.infer<typeof chunkOutput>;

/**
 * When a cycle stops starting polls and when it stops waiting for them: a poll started in time
 * (ping and apps, each bounded by CONNECTION_TIMEOUT) has ended by `waitUntil`, which is the end
 * of the interval unless the interval is shorter than twice that bound. The next cycle starts
 * only after this one, so an agent is never asked twice at once. Servers left over are `skipped`
 * and go first next cycle.
 */
export function cycleDeadlines(started: number, intervalSeconds: number, connectionTimeout: number) {
  const inFlightMs = (2 * connectionTimeout + 1) * 1000;
  const pollUntil = started + Math.max((intervalSeconds * 1000) / 2, intervalSeconds * 1000 - inFlightMs);
  return { pollUntil, waitUntil: pollUntil + inFlightMs };
}

/** The longest a scheduled cycle of this interval runs (before summing up), in seconds. */
export const longestCycleSeconds = (intervalSeconds: number) =>
  Math.ceil(cycleDeadlines(0, intervalSeconds, config().CONNECTION_TIMEOUT).waitUntil / 1000);

/** The chunk worker of this replica: polls the chunk's servers, returns their summary and who polled. */
export async function startChunkWorker(): Promise<void> {
  const b = await boss();
  await ensureQueue(POLL_CHUNK_QUEUE, "standard");
  let worker = "";
  worker = await b.work<object>(POLL_CHUNK_QUEUE, { pollingIntervalSeconds: 1 }, async ([job]) => {
    const { ids, pollUntil } = chunkData.parse(job!.data);
    const { summary } = await pollServers({ ids }, { pollUntil });
    const { durationMs: _, ...counts } = summary;
    if (worker) b.notifyWorker(worker); // ask for the next chunk at once, not after the polling interval
    return { ...counts, replica: replicaName() } satisfies ChunkOutput;
  });
}

/** One poll cycle across the replicas: queue the chunks, wait for them, sum them up. */
export async function runPollCycle(intervalSeconds: number, jobId = "(unscheduled)"): Promise<PollCycleSummary> {
  const started = Date.now();
  const { pollUntil, waitUntil } = cycleDeadlines(started, intervalSeconds, config().CONNECTION_TIMEOUT);
  const servers = await db().server.findMany({
    select: { id: true },
    orderBy: [{ lastCheck: { sort: "asc", nulls: "first" } }, { id: "asc" }],
  });
  const size = config().POLL_CHUNK_SIZE;
  const chunks = Array.from({ length: Math.ceil(servers.length / size) }, (_, i) =>
    servers.slice(i * size, (i + 1) * size).map((s) => s.id),
  );
  const b = await boss();
  const jobs = chunks.map((ids, i) => ({
    id: randomUUID(),
    name: POLL_CHUNK_QUEUE,
    data: { ids, pollUntil },
    priority: chunks.length - i, // longest unpolled first
    retryLimit: 0, // a lost chunk's servers go first next cycle instead
    expireInSeconds: longestCycleSeconds(intervalSeconds) + 5, // after the cycle has stopped waiting
  }));
  if (jobs.length > 0) await b.insert(jobs);
  console.log(
    `[jobs] poll cycle ${jobId} on ${replicaName()}: ${servers.length} servers in ${chunks.length} chunk(s) of up to ${size}`,
  );
  const outputs = await waitForChunks(
    b,
    jobs.map((job) => job.id),
    waitUntil,
  );
  const summary = sumChunks(servers.length, chunks.length, outputs, Date.now() - started);
  await onPollCycleFinished(summary).catch((error: unknown) =>
    console.error(`[jobs] onPollCycleFinished: ${errorMessage(error)}`),
  );
  return summary;
}

const FINAL = new Set(["completed", "failed", "cancelled"]);

/** The outputs of the chunks that completed by `waitUntil`; those not yet taken are cancelled. */
async function waitForChunks(b: PgBoss, ids: string[], waitUntil: number): Promise<ChunkOutput[]> {
  const read = async () =>
    ids.length === 0
      ? []
      : // pg-boss has no call that reads many jobs at once; its job table is public and stable in v10.
        ((
          await b
            .getDb()
            .executeSql(`SELECT state, output FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[])`, [
              POLL_CHUNK_QUEUE,
              ids,
            ])
        ).rows as { state: string; output: unknown }[]);
  let rows = await read();
  while (rows.some((row) => !FINAL.has(row.state)) && Date.now() < waitUntil) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    rows = await read();
  }
  if (rows.some((row) => !FINAL.has(row.state))) {
    await b.cancel(POLL_CHUNK_QUEUE, ids); // only jobs not yet final change; an active one's holder is gone or late
    rows = await read();
  }
  return rows.filter((row) => row.state === "completed").map((row) => chunkOutput.parse(row.output));
}

function sumChunks(servers: number, chunks: number, outputs: ChunkOutput[], durationMs: number): PollCycleSummary {
  const sum = (key: Exclude<keyof ChunkOutput, "replica" | "failuresByKind">) =>
    outputs.reduce((total, o) => total + o[key], 0);
  const failuresByKind: Record<string, number> = {};
  for (const o of outputs)
    for (const [kind, n] of Object.entries(o.failuresByKind)) failuresByKind[kind] = (failuresByKind[kind] ?? 0) + n;
  const polled = sum("servers") - sum("skipped");
  return {
    servers,
    online: sum("online"),
    offline: sum("offline"),
    unchanged: sum("unchanged"),
    updated: sum("updated"),
    failures: sum("failures"),
    failuresByKind,
    versionChanges: sum("versionChanges"),
    skipped: servers - polled,
    durationMs,
    chunks,
    replicas: [...new Set(outputs.map((o) => o.replica))].sort(),
  };
}
