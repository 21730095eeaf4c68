// The HAProxy module's settings, resolved once from server/config.ts. Tests replace some of
// them (a short breaker timeout, a clock they move) with setHaproxyOptions.
import { clientOptionsFromConfig, type AgentClientOptions } from "../agent/client";
import { config } from "../config";
import { AppError } from "../errors";

export type HaproxyOptions = {
  enabled: boolean;
  agent: AgentClientOptions;
  /** Retries after a failed read (commands are never retried). */
  retries: number;
  /** Pause before retry n is backoffMs × 2^(n-1). */
  backoffMs: number;
  breakerThreshold: number;
  breakerTimeoutMs: number;
  cacheTtlMs: number;
  /** Live reads (an instance's backends, or one backend's servers) cached at most; least recently used go first. */
  cacheMaxEntries: number;
  /** Backends of one instance read at once during a sync. */
  serverReadConcurrency: number;
  /** Instances synced at once by the background job. */
  instanceConcurrency: number;
  /** HAProxy servers one bulk action may touch at most (docs/haproxy.md, "Bulk actions and host maintenance"). */
  bulkMaxItems: number;
  /** Commands of one bulk action in flight at once on each HAProxy instance. */
  bulkConcurrency: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
};

const holder = globalThis as { acHaproxyOptions?: Partial<HaproxyOptions> };

export function haproxyOptions(): HaproxyOptions {
  const c = config();
  return {
    enabled: c.HAPROXY_ENABLED,
    agent: { ...clientOptionsFromConfig(c), timeoutMs: c.HAPROXY_REQUEST_TIMEOUT * 1000 },
    retries: c.HAPROXY_MAX_RETRIES,
    backoffMs: 250,
    breakerThreshold: c.HAPROXY_CIRCUIT_BREAKER_THRESHOLD,
    breakerTimeoutMs: c.HAPROXY_CIRCUIT_BREAKER_TIMEOUT * 1000,
    cacheTtlMs: c.HAPROXY_CACHE_TTL * 1000,
    cacheMaxEntries: 10_000,
    serverReadConcurrency: 4,
    instanceConcurrency: 8,
    bulkMaxItems: 2_000,
    bulkConcurrency: 4,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...holder.acHaproxyOptions,
  };
}

/** Tests: override some settings from now on; undefined restores them all. */
export function setHaproxyOptions(overrides: Partial<HaproxyOptions> | undefined): void {
  holder.acHaproxyOptions = overrides;
}

export const DISABLED_MESSAGE = "The HAProxy module is turned off (HAPROXY_ENABLED=false)";

export function assertEnabled(): void {
  if (!haproxyOptions().enabled) throw new AppError("PRECONDITION_FAILED", DISABLED_MESSAGE);
}
