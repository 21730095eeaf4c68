// What runs after a scheduled job has finished, once across all replicas: the poll cycle's and
// the HAProxy sync's summaries arrive here exactly once per completed run (poll-job.ts,
// scheduler.ts), on whichever replica finished it. Add reactions here (alert evaluation, say);
// a throw is logged by the caller and does not fail the job.
import { errorMessage } from "../../lib/errors";
import { evaluateAlerts } from "../alerts/evaluate";
import type { SyncAllSummary } from "../haproxy/sync";
import { recordPollSamples, recordSyncRunSamples } from "../history/write";
import { refreshInstanceCounts } from "../metrics/instance-counts";
import type { PollCycleSummary } from "./poll-job";

/** Alerts are evaluated from what a cycle or sync just stored, not by a second polling (docs/alerts.md). */
const evaluate = () =>
  evaluateAlerts().catch((error: unknown) => console.error(`[ac] alert evaluation failed: ${errorMessage(error)}`));

/** The metric history's samples (docs/history.md): a failed write is logged, the job goes on. */
const record = (what: string, write: () => Promise<unknown>) =>
  write().catch((error: unknown) => console.error(`[ac] history samples of the ${what}: ${errorMessage(error)}`));

/** Called exactly once per completed poll cycle, with the summary of all its chunks. */
export async function onPollCycleFinished(summary: PollCycleSummary): Promise<void> {
  await record("poll cycle", () => recordPollSamples(new Date(), summary.durationMs, summary.failures));
  // The instance counts /api/metrics reads: once per cycle, not per scrape (docs/metrics.md).
  await refreshInstanceCounts().catch((error: unknown) =>
    console.error(`[ac] instance counts for the metrics: ${errorMessage(error)}`),
  );
  await evaluate();
}

/**
 * Called exactly once per completed HAProxy sync of all instances. Each instance's servers and
 * backends were sampled by its own sync (server/haproxy/sync.ts); here the fleet's and the run's.
 */
export async function onHaproxySyncFinished(summary: SyncAllSummary): Promise<void> {
  // The instances this sync stored: those whose last sync succeeded since it started.
  const now = new Date();
  const since = new Date(now.getTime() - summary.durationMs - 1000);
  await record("HAProxy sync", () => recordSyncRunSamples(since, now, summary.durationMs, summary.failed));
  await evaluate();
}
