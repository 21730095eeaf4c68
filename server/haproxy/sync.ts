// Sync of one HAProxy instance (docs/haproxy.md, "Sync of one instance"): the selected backends, each
// one's servers (a few at a time), one transaction to store them, last_sync_*, then auto-mapping.
// One sync per instance at a time in this process; a second request joins the running one.
import pLimit from "p-limit";
import { errorMessage } from "../../lib/errors";
import type { LiveServer } from "../agent/haproxy-contract";
import { oneLine } from "../security/log-text";
import { MAX_HAPROXY_SERVERS_PER_SYNC } from "../agent/limits";
import { AgentError } from "../agent/client";
import { db } from "../db";
import { messageForUsers } from "../error-report";
import { recordHaproxySamples } from "../history/write";
import { AppError, notFound } from "../errors";
import { CircuitOpenError } from "./breaker";
import { backendMatcher } from "./backend-filter";
import { autoMap, type AutoMapCounts } from "./mapping";
import { instanceTargetSelect, invalidateLive, readBackends, readServers } from "./live";
import { assertEnabled, haproxyOptions } from "./settings";
import { analyzeAfterBulk, recordSyncResult, storeSync, type SyncCounts } from "./sync-store";

export type SyncOutcome = {
  instanceId: number;
  ok: boolean;
  error: string | null;
  counts: SyncCounts | null;
  mapping: AutoMapCounts | null;
  durationMs: number;
};
export type SyncProgress = {
  phase: "backends" | "servers" | "saving" | "mapping";
  backendsTotal: number;
  backendsDone: number;
  startedAt: Date;
};

const holder = globalThis as {
  acHaproxySyncs?: Map<number, { promise: Promise<SyncOutcome>; progress: SyncProgress }>;
};
const running = () => (holder.acHaproxySyncs ??= new Map());

/** The running sync of an instance, if any: what the UI shows while "Sync now" works. */
export const syncProgress = (instanceId: number): SyncProgress | null => running().get(instanceId)?.progress ?? null;

export function syncInstance(instanceId: number): Promise<SyncOutcome> {
  const current = running().get(instanceId);
  if (current) return current.promise;
  const progress: SyncProgress = {
    phase: "backends",
    backendsTotal: 0,
    backendsDone: 0,
    startedAt: new Date(haproxyOptions().now()),
  };
  const promise = runSync(instanceId, progress).finally(() => running().delete(instanceId));
  running().set(instanceId, { promise, progress });
  return promise;
}

/** "Sync now": starts in the background and returns at once; progress shows in the instance list. */
export async function startSync(instanceId: number): Promise<{ instanceId: number; alreadyRunning: boolean }> {
  assertEnabled();
  const exists = await db().hAProxyInstance.findUnique({ where: { id: instanceId }, select: { id: true } });
  if (!exists) throw notFound("HAProxy instance");
  const alreadyRunning = running().has(instanceId);
  // The outcome is stored on the instance (last_sync_*); only a database failure lands here.
  syncInstance(instanceId).catch((error: unknown) =>
    console.error(`[ac] haproxy sync of instance ${instanceId} failed: ${String(error)}`),
  );
  return { instanceId, alreadyRunning };
}

async function runSync(instanceId: number, progress: SyncProgress): Promise<SyncOutcome> {
  const o = haproxyOptions();
  const started = o.now();
  const done = (
    ok: boolean,
    error: string | null,
    counts: SyncCounts | null,
    mapping: AutoMapCounts | null,
  ): SyncOutcome => ({ instanceId, ok, error, counts, mapping, durationMs: o.now() - started });
  const instance = await db().hAProxyInstance.findUnique({
    where: { id: instanceId },
    select: { ...instanceTargetSelect, backendFilter: true },
  });
  if (!instance) return done(false, "the instance was deleted", null, null);
  try {
    const selected = (await readBackends(instance, { fresh: true })).filter(backendMatcher(instance.backendFilter));
    Object.assign(progress, { phase: "servers", backendsTotal: selected.length });
    const limit = pLimit(o.serverReadConcurrency);
    let total = 0; // what one transaction stores is bounded too (docs/agent-contract.md, "Bounds")
    const fetched = new Map<string, LiveServer[]>(
      await Promise.all(
        selected.map((backend) =>
          limit(async () => {
            const servers = await readServers(instance, backend, { fresh: true });
            total += servers.length;
            if (total > MAX_HAPROXY_SERVERS_PER_SYNC) {
              throw new Error(
                `the agent reports more than ${MAX_HAPROXY_SERVERS_PER_SYNC} servers for this instance; nothing was stored`,
              );
            }
            progress.backendsDone++;
            return [backend, servers] as const;
          }),
        ),
      ),
    );
    progress.phase = "saving";
    const counts = await storeSync(instanceId, fetched, new Date(started));
    await analyzeAfterBulk(counts.created); // one big instance; the job also counts them all together
    await recordSyncResult(instanceId, new Date(o.now()), null);
    await recordSamples(instanceId);
    progress.phase = "mapping";
    return done(true, null, counts, await autoMap({ instanceId }));
  } catch (error) {
    // An agent's failure is the sync's error as is; anything else (the database) only by its id.
    const where = `haproxy sync of ${instance.server.name}/${instance.name}`;
    const expected = error instanceof AgentError || error instanceof CircuitOpenError || error instanceof AppError;
    const message = messageForUsers(where, error, expected);
    // The agent's message as one line: its newlines must not write lines of their own into AC's log.
    if (expected) console.error(`[ac] ${where} failed: ${oneLine(message)}`);
    await recordSyncResult(instanceId, new Date(o.now()), message);
    return done(false, message, null, null);
  } finally {
    await invalidateLive(instanceId); // stored state is now the fresher truth, in every replica
  }
}

/**
 * The metric history's samples of a synced instance (docs/history.md): here, so that every sync
 * writes them, scheduled or "Sync now"; a second request that joins a running sync writes none.
 * A failed write is logged; the sync stands.
 */
async function recordSamples(instanceId: number): Promise<void> {
  await recordHaproxySamples([instanceId], new Date()).catch((error: unknown) =>
    console.error(`[ac] history samples of HAProxy instance ${instanceId}: ${errorMessage(error)}`),
  );
}

export type SyncAllSummary = {
  instances: number;
  ok: number;
  failed: number;
  servers: number;
  statusChanges: number;
  durationMs: number;
};

/** The background job: every active instance, a few at a time. */
export async function syncAllInstances(): Promise<SyncAllSummary> {
  const o = haproxyOptions();
  const started = Date.now();
  const instances = await db().hAProxyInstance.findMany({
    where: { isActive: true },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const limit = pLimit(o.instanceConcurrency);
  const outcomes = await Promise.all(instances.map((i) => limit(() => syncInstance(i.id))));
  await analyzeAfterBulk(outcomes.reduce((n, r) => n + (r.counts?.created ?? 0), 0));
  return {
    instances: outcomes.length,
    ok: outcomes.filter((r) => r.ok).length,
    failed: outcomes.filter((r) => !r.ok).length,
    servers: outcomes.reduce((n, r) => n + (r.counts?.servers ?? 0), 0),
    statusChanges: outcomes.reduce((n, r) => n + (r.counts?.statusChanges ?? 0), 0),
    durationMs: Date.now() - started,
  };
}
