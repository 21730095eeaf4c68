// One circuit breaker per HAProxy instance: after `threshold` consecutive failed agent calls it
// opens and refuses calls for `timeoutMs`, then lets one trial through (half-open) and closes
// when that succeeds. Its state is a row in PostgreSQL (haproxy_breakers, breaker-sql.ts), shared
// by every replica: the agent gets `threshold` failing calls from all replicas together, none
// while open, and one trial, not one per replica (docs/operations.md, "Shared state across replicas").
//
// The breaker protects the agent; it must not become a reason to fail. When its row cannot be
// read or written (the database is down), the call goes through unguarded and a warning is logged.
import { errorMessage } from "../../lib/errors";
import { db, dbPool } from "../db";
import { claimTrial, readBreaker, recordFailure, recordSuccess, type BreakerRow } from "./breaker-sql";

export type BreakerState = "closed" | "open" | "half_open";
export type BreakerView = {
  state: BreakerState;
  /** Consecutive failures counted so far, by all replicas (reset by a success). */
  failures: number;
  openedAt: Date | null;
  /** When an open breaker lets its trial call through. */
  retryAt: Date | null;
  lastError: string | null;
};
export type BreakerSettings = { threshold: number; timeoutMs: number; now: () => number };

export class CircuitOpenError extends Error {
  override name = "CircuitOpenError";
  constructor(
    readonly instance: string,
    readonly retryAt: Date,
    lastError: string | null,
  ) {
    super(
      `circuit breaker for ${instance} is open until ${retryAt.toISOString()} (last error: ${lastError ?? "unknown"})`,
    );
  }
}

const CLOSED: BreakerView = { state: "closed", failures: 0, openedAt: null, retryAt: null, lastError: null };

function viewOf(row: BreakerRow | null, { timeoutMs, now }: BreakerSettings): BreakerView {
  if (!row) return CLOSED;
  if (row.openedAt === null) return { ...CLOSED, failures: row.failures, lastError: row.lastError };
  const retryAt = row.openedAt + timeoutMs;
  const trialRunning = row.trialUntil !== null && row.trialUntil > now();
  return {
    // An open breaker whose time is up lets the next call through: half-open.
    state: now() < retryAt ? "open" : "half_open",
    failures: row.failures,
    openedAt: new Date(row.openedAt),
    retryAt: new Date(trialRunning ? row.trialUntil! : retryAt),
    lastError: row.lastError,
  };
}

const warn = (instanceId: number, what: string, error: unknown) =>
  console.warn(`[haproxy] breaker of instance ${instanceId}: ${what} failed, ${errorMessage(error)}`);

/** Whether the call may go, and as what: null = refused (the error to throw). */
async function admit(instanceId: number, name: string, s: BreakerSettings) {
  let row: BreakerRow | null;
  try {
    row = await readBreaker(dbPool(), instanceId);
  } catch (error) {
    warn(instanceId, "reading its state", error);
    return { trial: false, counted: false };
  }
  const view = viewOf(row, s);
  if (view.state === "closed") return { trial: false, counted: row !== null };
  const refused = new CircuitOpenError(name, view.retryAt!, view.lastError);
  if (view.state === "open") throw refused;
  // Half-open: one replica's call becomes the trial; the others are refused until it ends.
  // The trial holds it for one timeout at most, so a replica that died mid-trial frees it.
  if (!(await claimTrial(dbPool(), instanceId, s.now(), s.timeoutMs).catch(() => false))) throw refused;
  return { trial: true, counted: true };
}

/** Runs `call` unless the breaker refuses; `counts(error)` says whether a failure is the agent's fault. */
export async function runGuarded<T>(
  instanceId: number,
  name: string,
  s: BreakerSettings,
  call: () => Promise<T>,
  counts: (error: unknown) => boolean,
): Promise<T> {
  const { trial, counted } = await admit(instanceId, name, s);
  // A success closes the breaker; with nothing counted there is nothing to write. (A failure
  // another replica counted meanwhile then stays: the breaker errs towards opening.)
  const succeeded = () =>
    counted ? recordSuccess(dbPool(), instanceId).catch((e: unknown) => warn(instanceId, "closing", e)) : undefined;
  try {
    const value = await call();
    await succeeded();
    return value;
  } catch (error) {
    // A refusal (the agent answered "no such server") shows the agent is alive.
    if (!counts(error)) await succeeded();
    else
      await recordFailure(dbPool(), instanceId, {
        now: s.now(),
        error: errorMessage(error),
        trial,
        threshold: s.threshold,
      }).catch((e: unknown) => warn(instanceId, "counting a failure", e));
    throw error;
  }
}

/** The breakers of these instances, as the UI shows them. */
export async function breakerViews(instanceIds: number[], s: BreakerSettings): Promise<Map<number, BreakerView>> {
  const rows = await db().hAProxyBreaker.findMany({ where: { haproxyInstanceId: { in: instanceIds } } });
  const byId = new Map(rows.map((r) => [r.haproxyInstanceId, r]));
  return new Map(
    instanceIds.map((id) => {
      const r = byId.get(id);
      const row = r && {
        failures: r.failures,
        openedAt: r.openedAt?.getTime() ?? null,
        trialUntil: r.trialUntil?.getTime() ?? null,
        lastError: r.lastError,
      };
      return [id, viewOf(row ?? null, s)];
    }),
  );
}

/** An instance that was re-pointed at another agent starts closed; also tests. No id: all of them. */
export async function resetBreaker(instanceId?: number): Promise<void> {
  await db().hAProxyBreaker.deleteMany({ where: instanceId === undefined ? {} : { haproxyInstanceId: instanceId } });
}
