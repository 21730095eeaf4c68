// One polling cycle over all servers, with bounded concurrency (POLL_CONCURRENCY, not all at
// once: docs/performance.md, "What makes it fast"). Servers whose reply did not change are touched in one
// statement at the end, so a quiet fleet costs almost no SQL; changed replies are written in
// batches, many servers to a transaction (poll-writer.ts). With several replicas the
// scheduler splits a cycle into chunks of servers, each polled here (server/jobs/poll-job.ts).
import pLimit from "p-limit";
import { z } from "zod";
import { config } from "../config";
import { db } from "../db";
import { logUnexpectedError } from "../error-report";
import { announceCommitted } from "../live/feed";
import { refreshInstanceCounts } from "../metrics/instance-counts";
import { pollServer, pollTargetSelect, type PollErrorKind, type PollOptions, type PollOutcome } from "./poll-server";
import { touchUnchangedServers } from "./poll-store-sql";
import { batchingWriter } from "./poll-writer";
import { loadStatusMap } from "./status-map";

/**
 * A cycle's counts read back from JSON (a chunk's output between replicas, job_runs.summary):
 * the one schema of CycleSummary's numbers; rows from before failuresByKind read it as none.
 */
export const cycleCountsSchema = z.object({
  servers: z.number(),
  online: z.number(),
  offline: z.number(),
  unchanged: z.number(),
  updated: z.number(),
  failures: z.number(),
  versionChanges: z.number(),
  skipped: z.number(),
  failuresByKind: z.record(z.string(), z.number()).default({}),
});

export type CycleSummary = {
  servers: number;
  online: number;
  offline: number;
  unchanged: number;
  updated: number;
  failures: number;
  /** Failed polls by why (ac_poll_failures, docs/metrics.md). */
  failuresByKind: Partial<Record<PollErrorKind, number>>;
  versionChanges: number;
  /** Servers not polled: their turn came after `pollUntil` (the cycle overran its interval). */
  skipped: number;
  durationMs: number;
};

export async function pollServers(
  where: { ids?: number[] } = {},
  options: Pick<PollOptions, "agent"> & {
    concurrency?: number;
    /** Epoch ms after which no further server's poll starts (a scheduled cycle's time is up). */
    pollUntil?: number;
  } = {},
): Promise<{ summary: CycleSummary; outcomes: PollOutcome[] }> {
  const started = Date.now();
  const [servers, statusMap] = await Promise.all([
    db().server.findMany({
      where: where.ids ? { id: { in: where.ids } } : {},
      select: pollTargetSelect,
      orderBy: { id: "asc" },
    }),
    loadStatusMap(),
  ]);
  const limit = pLimit(options.concurrency ?? config().POLL_CONCURRENCY);
  const touches: { id: number; at: Date; fingerprint: string }[] = [];
  const deferTouch = (check: (typeof touches)[number]) => void touches.push(check);
  // Touched in two statements: what is known when the last poll starts, while the last polls
  // finish, then the rest (docs/performance.md, "Polling": a steady cycle's tail).
  const touching: Promise<number[]>[] = [];
  const touchWaiting = () => {
    if (touches.length > 0) touching.push(settledLater(touchUnchangedServers(touches.splice(0))));
  };
  let begun = 0;
  const late = () => options.pollUntil !== undefined && Date.now() > options.pollUntil;
  // Changed replies are written many servers to a transaction (docs/performance.md, "Batched writes").
  const writer = batchingWriter();
  const results = await Promise.all(
    servers.map((server) =>
      limit(() => {
        if (++begun === servers.length) touchWaiting();
        return late() ? null : pollServer(server, { ...options, deferTouch, statusMap, writer });
      }),
    ),
  );
  touchWaiting();
  // A full cycle's instance counts (read by the metrics) need every instance written, not last_check:
  // they start beside the last touch, and again below if a server needs a full pass after it.
  const counting = where.ids ? null : settledLater(refreshInstanceCounts());

  // Servers whose stored state moved while the cycle ran get a full pass instead of a touch.
  const moved = new Set((await Promise.all(touching)).flat());
  if (moved.size > 0) {
    for (const [index, server] of servers.entries()) {
      if (moved.has(server.id))
        results[index] = await pollServer({ ...server, appsFingerprint: null }, { ...options, statusMap });
    }
  }
  const outcomes = results.filter((outcome) => outcome !== null);

  const count = (test: (o: PollOutcome) => boolean) => outcomes.filter(test).length;
  const failuresByKind: CycleSummary["failuresByKind"] = {};
  for (const { errorKind } of outcomes) if (errorKind) failuresByKind[errorKind] = (failuresByKind[errorKind] ?? 0) + 1;
  const summary: CycleSummary = {
    servers: servers.length,
    online: count((o) => o.status === "online"),
    offline: count((o) => o.status === "offline"),
    unchanged: count((o) => o.result === "unchanged"),
    updated: count((o) => o.result === "updated"),
    failures: count((o) => o.result === "offline" || o.result === "apps_failed"),
    failuresByKind,
    versionChanges: outcomes.reduce((sum, o) => sum + o.counts.versionChanges, 0),
    skipped: servers.length - outcomes.length,
    durationMs: Date.now() - started,
  };
  // Open pages follow the change feed: one notice per chunk (or "Poll now") that stored anything
  // beyond a quiet reply's last_check (docs/architecture.md, "Change feed").
  if (outcomes.some((o) => o.result !== "unchanged")) await announceCommitted("inventory");
  // After a full cycle, the instance counts the metrics read (once per cycle, not per scrape).
  if (counting) {
    const counted = counting.then(() => (moved.size > 0 ? refreshInstanceCounts() : undefined));
    await counted.catch((error) => logUnexpectedError("instance counts", error));
  }
  return { summary, outcomes };
}

/**
 * A statement started now and awaited later: a handler attached at once keeps Node from reporting
 * its failure as unhandled meanwhile; awaiting it still throws.
 */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
