// Records each run of a scheduled job in job_runs, so the dashboard can show that the
// scheduler is alive, how the last poll cycle went and which replica ran it.
import { db, Prisma } from "../db";
import { messageForUsers } from "../error-report";
import { observeJobDuration } from "../metrics/stored-histogram";
import { replicaName } from "./replica";

export type JobName = "heartbeat" | "poll-agents" | "cleanup" | "haproxy-sync" | "history-rollup";

/** Runs `work`, then records its outcome; errors are logged with the job's name and an id, and rethrown. */
export async function recordJobRun<T extends Prisma.InputJsonValue | null>(
  name: JobName,
  work: () => Promise<T>,
): Promise<T> {
  const started = new Date();
  try {
    const summary = await work();
    const durationMs = Date.now() - started.getTime();
    const data = {
      lastRunAt: started,
      lastOkAt: new Date(),
      durationMs,
      summary: summary ?? Prisma.DbNull,
      lastError: null,
      replica: replicaName(),
    };
    await db().jobRun.upsert({ where: { name }, create: { name, ...data }, update: data });
    await observeJobDuration(name, durationMs); // ac_job_duration_seconds (docs/metrics.md)
    return summary;
  } catch (error) {
    // The dashboard shows lastError to every viewer: an id, the details in the log.
    const lastError = messageForUsers(`job ${name}`, error, false);
    const data = { lastRunAt: started, durationMs: Date.now() - started.getTime(), lastError, replica: replicaName() };
    await db()
      .jobRun.upsert({ where: { name }, create: { name, ...data }, update: data })
      .catch(() => undefined); // the database itself may be what failed
    await observeJobDuration(name, data.durationMs);
    throw error;
  }
}

export const jobRuns = () => db().jobRun.findMany({ orderBy: { name: "asc" } });
