// After a batch's HAProxy servers are drained, wait until their current sessions fall to the
// task's threshold, re-reading HAProxy, up to the task's timeout; then go on, or fail the batch
// when the task says so (docs/update-tasks.md, "Waiting for sessions"). The step's note shows
// the counts as they fall.
import type { HaproxyPort } from "./deps";
import { sleep, StepFailed } from "./errors";
import type { PlanHaproxyServer } from "./plan-types";

export type DrainWait = {
  servers: PlanHaproxyServer[];
  threshold: number;
  timeoutMs: number;
  onTimeout: "fail" | "continue";
  pollMs: number;
  read: HaproxyPort["currentSessions"];
  signal: AbortSignal;
  /** Each new reading, e.g. "sessions: web_1 3, web_2 0". */
  report: (note: string) => Promise<unknown>;
  now?: () => number;
};

/** Resolves with the step's note once sessions are low enough (or the timeout says continue); throws StepFailed otherwise. */
export async function waitForSessions(w: DrainWait): Promise<string> {
  const now = w.now ?? Date.now;
  const started = now();
  const ids = w.servers.map((s) => s.haproxyServerId);
  const label = new Map(w.servers.map((s) => [s.haproxyServerId, s.label]));
  let first: number | null = null;
  for (;;) {
    const { counts, errors } = await w.read(ids);
    const known = [...counts.values()].filter((n): n is number => n !== null);
    const total = known.reduce((sum, n) => sum + n, 0);
    first ??= total;
    const reading = [...counts].map(([id, n]) => `${label.get(id)} ${n ?? "?"}`).join(", ");
    await w.report(`sessions: ${reading}${errors.length ? ` (not read: ${errors.join("; ")})` : ""}`);
    // Every server read and at or below the threshold: nothing left to wait for.
    if (known.length === ids.length && known.every((n) => n <= w.threshold))
      return `sessions ${first} → ${total} after ${Math.round((now() - started) / 1000)} s`;
    if (now() - started >= w.timeoutMs) {
      const message = `sessions still open after ${Math.round(w.timeoutMs / 1000)} s (${reading}; threshold ${w.threshold})`;
      if (w.onTimeout === "fail") throw new StepFailed(message);
      return `${message}: continued as the task asks`;
    }
    await sleep(Math.min(w.pollMs, Math.max(0, started + w.timeoutMs - now())), w.signal);
  }
}
