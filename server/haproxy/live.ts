// Every agent call of the HAProxy module goes through here: the instance's circuit breaker,
// retries with backoff for reads (commands are sent once), and a TTL cache of live reads that a
// sync or a command drops. Callers that need fresh data (sync, the re-read after a command) pass
// `fresh`, which skips the cache but still fills it.
//
// Across replicas (docs/operations.md, "Shared state across replicas"): the cache is per process,
// but each entry remembers the instance's live_version it was read under, and every replica that
// changes what the agent reports (a command, a sync, an instance edit) raises that column. A read
// carries the version loaded with its instance, so no replica serves a read older than the last
// change any replica made; what HAProxy changes on its own shows within HAPROXY_CACHE_TTL.
import { LRUCache } from "lru-cache";
import { AgentError, type AgentTarget } from "../agent/client";
import { fetchHaproxyBackends, fetchHaproxyServers, sendHaproxyCommand } from "../agent/haproxy-client";
import type { HaproxyCommand, LiveServer } from "../agent/haproxy-contract";
import { db } from "../db";
import { breakerViews, runGuarded, type BreakerSettings } from "./breaker";
import { haproxyOptions, type HaproxyOptions } from "./settings";

/** The instance as the agent knows it: its name on the agent, the agent's address, its live_version. */
export type InstanceTarget = { id: number; name: string; liveVersion: number; server: AgentTarget & { name: string } };
export const instanceTargetSelect = {
  id: true,
  name: true,
  liveVersion: true,
  server: { select: { name: true, ip: true, port: true, agentToken: true } },
} as const;

/** Worth another try: the agent was not reached or failed inside. */
export const isTransient = (error: unknown) =>
  error instanceof AgentError &&
  (error.kind === "timeout" || error.kind === "unreachable" || (error.kind === "http" && (error.status ?? 0) >= 500));
/** Counts against the breaker: anything but the agent answering "no" on purpose, or AC not sending at all. */
const countsAsFailure = (error: unknown) =>
  !(error instanceof AgentError && (error.kind === "refused" || error.kind === "invalid_request"));

const breakerSettings = (o: HaproxyOptions): BreakerSettings => ({
  threshold: o.breakerThreshold,
  timeoutMs: o.breakerTimeoutMs,
  now: o.now,
});
export const instanceBreakers = (instanceIds: number[]) => breakerViews(instanceIds, breakerSettings(haproxyOptions()));

async function withRetries<T>(o: HaproxyOptions, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= o.retries || !isTransient(error)) throw error;
      await o.sleep(o.backoffMs * 2 ** attempt);
    }
  }
}

function guarded<T>(target: InstanceTarget, o: HaproxyOptions, call: () => Promise<T>): Promise<T> {
  return runGuarded(target.id, `${target.server.name}/${target.name}`, breakerSettings(o), call, countsAsFailure);
}

// ─── cache ───
// Bounded (docs/agent-contract.md, "Bounds"): least recently used reads are dropped first, so
// many instances, or an agent reporting ever new backend names, cannot grow it without end.
// Expiry stays ours (`o.now`) so tests can move the clock.
type Entry = { value: unknown; expiresAt: number; version: number };
/** Backend names and servers held, all entries together. */
export const LIVE_CACHE_MAX_ITEMS = 200_000;
const holder = globalThis as {
  acHaproxyLiveCache?: LRUCache<string, Entry>;
  acHaproxyLiveVersions?: Map<number, number>;
};
/** The highest live_version of each instance this process has read or written (one number per instance). */
const versions = () => (holder.acHaproxyLiveVersions ??= new Map());
function versionFor(target: InstanceTarget): number {
  const version = Math.max(target.liveVersion, versions().get(target.id) ?? 0);
  versions().set(target.id, version);
  return version;
}
function cache() {
  const max = haproxyOptions().cacheMaxEntries;
  if (holder.acHaproxyLiveCache?.max !== max) {
    holder.acHaproxyLiveCache = new LRUCache<string, Entry>({
      max,
      maxSize: LIVE_CACHE_MAX_ITEMS,
      sizeCalculation: (entry) => 1 + (Array.isArray(entry.value) ? entry.value.length : 0),
    });
  }
  return holder.acHaproxyLiveCache;
}
const keyOf = (instanceId: number, key: string) => `${instanceId}\n${key}`;

async function cached<T>(target: InstanceTarget, key: string, fresh: boolean, load: () => Promise<T>): Promise<T> {
  const o = haproxyOptions();
  const version = versionFor(target);
  const hit = cache().get(keyOf(target.id, key));
  if (!fresh && hit && hit.version === version && hit.expiresAt > o.now()) return hit.value as T;
  const value = await load();
  cache().set(keyOf(target.id, key), { value, expiresAt: o.now() + o.cacheTtlMs, version });
  return value;
}

const entriesOf = (instanceId: number) => {
  const prefix = keyOf(instanceId, "");
  return [...cache().keys()].filter((key) => key.startsWith(prefix));
};

/**
 * Drops an instance's cached reads, all of them or one backend's servers, here and (through
 * live_version) in every other replica. Never throws: without the database the other replicas
 * see the change within HAPROXY_CACHE_TTL.
 */
export async function invalidateLive(instanceId: number, backend?: string): Promise<void> {
  if (backend !== undefined) cache().delete(keyOf(instanceId, `servers:${backend}`));
  else for (const key of entriesOf(instanceId)) cache().delete(key);
  let raised: number;
  try {
    const rows = await db().$queryRaw<{ live_version: number }[]>`
      UPDATE haproxy_instances SET live_version = live_version + 1 WHERE id = ${instanceId} RETURNING live_version`;
    if (rows.length === 0) return; // deleted
    raised = rows[0]!.live_version;
  } catch (error) {
    console.warn(`[haproxy] could not tell other replicas that instance ${instanceId} changed: ${String(error)}`);
    return;
  }
  // Reads cached here under the version just before ours missed only our change, which was one
  // backend's: they stay good in this process. (Other replicas cannot know which: they read again.)
  if (backend !== undefined) {
    for (const key of entriesOf(instanceId)) {
      const entry = cache().get(key);
      if (entry?.version === raised - 1) entry.version = raised;
    }
  }
  versions().set(instanceId, Math.max(raised, versions().get(instanceId) ?? 0));
}

/** Entries held now (tests check the bound). */
export const liveCacheSize = () => cache().size;

// ─── calls ───
export function readBackends(target: InstanceTarget, { fresh = false } = {}): Promise<string[]> {
  const o = haproxyOptions();
  return cached(target, "backends", fresh, () =>
    guarded(target, o, () => withRetries(o, () => fetchHaproxyBackends(target.server, target.name, o.agent))),
  );
}

export function readServers(target: InstanceTarget, backend: string, { fresh = false } = {}): Promise<LiveServer[]> {
  const o = haproxyOptions();
  return cached(target, `servers:${backend}`, fresh, () =>
    guarded(target, o, () => withRetries(o, () => fetchHaproxyServers(target.server, target.name, backend, o.agent))),
  );
}

export async function sendCommand(
  target: InstanceTarget,
  backend: string,
  server: string,
  command: HaproxyCommand,
): Promise<string | null> {
  const o = haproxyOptions();
  try {
    return await guarded(target, o, () =>
      sendHaproxyCommand(target.server, { instance: target.name, backend, server }, command, o.agent),
    );
  } finally {
    await invalidateLive(target.id, backend); // whatever happened, the cached state may be wrong now
  }
}
