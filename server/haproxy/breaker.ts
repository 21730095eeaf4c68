// One circuit breaker per HAProxy instance: after `threshold` consecutive failed agent calls it
// opens and refuses calls for `timeoutMs`, then lets one trial through (half-open) and closes
// when that succeeds. Kept in process memory (on globalThis so dev reloads keep it); each AC
// replica has its own, which is what protects the agent from that replica.
import { errorMessage } from "../../lib/errors";

export type BreakerState = "closed" | "open" | "half_open";
export type BreakerView = {
  state: BreakerState;
  /** Consecutive failures counted so far (reset by a success). */
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

class CircuitBreaker {
  private state: BreakerState = "closed";
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private lastError: string | null = null;

  view({ timeoutMs, now }: BreakerSettings): BreakerView {
    const retryAt = this.openedAt === null ? null : this.openedAt + timeoutMs;
    // An open breaker whose time is up lets the next call through: show it as half-open.
    const state = this.state === "open" && retryAt !== null && now() >= retryAt ? "half_open" : this.state;
    return {
      state,
      failures: this.failures,
      openedAt: this.openedAt === null ? null : new Date(this.openedAt),
      retryAt: this.state === "closed" || retryAt === null ? null : new Date(retryAt),
      lastError: this.lastError,
    };
  }

  /** Runs `call` unless the breaker refuses; `counts(error)` says whether a failure is the agent's fault. */
  async run<T>(
    name: string,
    s: BreakerSettings,
    call: () => Promise<T>,
    counts: (error: unknown) => boolean,
  ): Promise<T> {
    const view = this.view(s);
    if (view.state === "open" || (view.state === "half_open" && this.trialInFlight)) {
      throw new CircuitOpenError(name, view.retryAt ?? new Date(s.now()), this.lastError);
    }
    const trial = view.state === "half_open";
    if (trial) {
      this.state = "half_open";
      this.trialInFlight = true;
    }
    try {
      const value = await call();
      this.succeeded();
      return value;
    } catch (error) {
      // A refusal (the agent answered "no such server") shows the agent is alive.
      if (!counts(error)) this.succeeded();
      else this.failed(error, trial, s);
      throw error;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  private succeeded() {
    this.state = "closed";
    this.failures = 0;
    this.openedAt = null;
    this.lastError = null;
  }

  private failed(error: unknown, trial: boolean, s: BreakerSettings) {
    this.failures++;
    this.lastError = errorMessage(error);
    if (trial || this.failures >= s.threshold) {
      this.state = "open";
      this.openedAt = s.now();
    }
  }
}

const holder = globalThis as { acHaproxyBreakers?: Map<number, CircuitBreaker> };
const breakers = () => (holder.acHaproxyBreakers ??= new Map());

export function breakerFor(instanceId: number): CircuitBreaker {
  let breaker = breakers().get(instanceId);
  if (!breaker) breakers().set(instanceId, (breaker = new CircuitBreaker()));
  return breaker;
}

export function breakerView(instanceId: number, s: BreakerSettings): BreakerView {
  return (
    breakers().get(instanceId)?.view(s) ?? {
      state: "closed",
      failures: 0,
      openedAt: null,
      retryAt: null,
      lastError: null,
    }
  );
}

/** Tests, and an instance that was deleted or re-pointed at another agent. */
export function resetBreaker(instanceId?: number): void {
  if (instanceId === undefined) breakers().clear();
  else breakers().delete(instanceId);
}
