// Bytes of agent replies buffered at once, across every concurrent poll and HAProxy read
// (docs/agent-contract.md, "Bounds"). Each reply may buffer its first `freeBytes` without asking,
// so ordinary replies (kilobytes) never wait on a hostile agent; a reply past that reserves what
// it may still need (its Content-Length, else the per-reply limit) in one piece, waiting in turn
// when the budget is taken. All-or-nothing reservations mean no reader ever waits while holding
// part of the budget, so readers cannot deadlock one another; a wait ends with the reply's deadline.

type Waiter = { bytes: number; grant: () => void };

export class ByteBudget {
  private used = 0;
  private peakUsed = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    /** Bytes all large replies together may hold beyond their free share. */
    readonly capacity: number,
    /** Bytes each reply may hold without a reservation. */
    readonly freeBytes: number,
  ) {}

  /** Bytes reserved right now, and the most ever reserved at once (tests read these). */
  get inUse(): number {
    return this.used;
  }
  get peak(): number {
    return this.peakUsed;
  }

  /** Reserves `bytes` (at most the capacity); resolves with the release function. */
  async reserve(bytes: number, signal: AbortSignal): Promise<() => void> {
    const amount = Math.min(bytes, this.capacity);
    if (this.queue.length === 0 && this.used + amount <= this.capacity) this.take(amount);
    else await this.wait(amount, signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= amount;
      this.drain();
    };
  }

  private take(amount: number) {
    this.used += amount;
    this.peakUsed = Math.max(this.peakUsed, this.used);
  }

  private wait(amount: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const waiter: Waiter = {
        bytes: amount,
        grant: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        reject(signal.reason as Error);
        this.drain(); // a big waiter leaving may let smaller ones behind it in
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** First come, first served: a large reservation is not starved by a stream of small ones. */
  private drain() {
    while (this.queue.length > 0 && this.used + this.queue[0]!.bytes <= this.capacity) {
      const next = this.queue.shift()!;
      this.take(next.bytes);
      next.grant();
    }
  }
}

/** The budget every agent request shares; sized from the settings on first use. */
let shared: ByteBudget | undefined;
export function sharedByteBudget(capacity: number, freeBytes: number): ByteBudget {
  if (!shared || shared.capacity !== capacity || shared.freeBytes !== freeBytes)
    shared = new ByteBudget(capacity, freeBytes);
  return shared;
}
