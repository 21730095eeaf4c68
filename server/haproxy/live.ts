// Every agent call of the HAProxy module goes through here: the instance's circuit breaker,
// retries with backoff for reads (commands are sent once), and a TTL cache of live reads that a
// sync or a command drops. Callers that need fresh data (sync, the re-read after a command) pass
// `fresh`, which skips the cache but still fills it.
import { LRUCache } from "lru-cache";
import { AgentError, type AgentTarget } from "../agent/client";
import { fetchHaproxyBackends, fetchHaproxyServers, sendHaproxyCommand } from "../agent/haproxy-client";
import type { HaproxyCommand, LiveServer } from "../agent/haproxy-contract";
import { breakerFor, breakerView, type BreakerSettings } from "./breaker";
import { haproxyOptions, type HaproxyOptions } from "./settings";

/** The instance as the agent knows it: its name on the agent, and the agent's address. */
export type InstanceTarget = { id: number; name: string; server: AgentTarget & { name: string } };
export const instanceTargetSelect = {
  id: true,
  name: true,
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
export const instanceBreaker = (instanceId: number) => breakerView(instanceId, breakerSettings(haproxyOptions()));

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
  return breakerFor(target.id).run(`${target.server.name}/${target.name}`, breakerSettings(o), call, countsAsFailure);
}

// ─── cache ───
// Bounded (docs/agent-contract.md, "Bounds"): least recently used reads are dropped first, so
// many instances, or an agent reporting ever new backend names, cannot grow it without end.
// Expiry stays ours (`o.now`) so tests can move the clock.
type Entry = { value: unknown; expiresAt: number };
/** Backend names and servers held, all entries together. */
export const LIVE_CACHE_MAX_ITEMS = 200_000;
const holder = globalThis as { acHaproxyLiveCache?: LRUCache<string, Entry> };
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
  const hit = cache().get(keyOf(target.id, key));
  if (!fresh && hit && hit.expiresAt > o.now()) return hit.value as T;
  const value = await load();
  cache().set(keyOf(target.id, key), { value, expiresAt: o.now() + o.cacheTtlMs });
  return value;
}

/** Drops an instance's cached reads: all of them, or one backend's servers. */
export function invalidateLive(instanceId: number, backend?: string): void {
  if (backend !== undefined) return void cache().delete(keyOf(instanceId, `servers:${backend}`));
  const prefix = keyOf(instanceId, "");
  for (const key of [...cache().keys()]) if (key.startsWith(prefix)) cache().delete(key);
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
    invalidateLive(target.id, backend); // whatever happened, the cached state may be wrong now
  }
}
