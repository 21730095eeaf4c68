// HAProxy statuses, per-status counts and the circuit breaker, drawn the same on every page.
import { isKnownStatus } from "@/lib/haproxy-status";
import type { BreakerView } from "@/server/haproxy/breaker";
import type { StatusCounts } from "@/server/haproxy/queries";
import { StatusBadge } from "@/components/ui/status-badge";

/** A status HAProxy reported; one AC does not know ("UP 1/3") is shown as reported, in the unknown colour. */
export function HaproxyStatus({ status }: { status: string | null }) {
  if (isKnownStatus(status)) return <StatusBadge status={status} />;
  return (
    <span title="A status AC does not know, shown as HAProxy reported it">
      <StatusBadge status={status ?? "unknown"} />
    </span>
  );
}

const ORDER = ["UP", "DOWN", "DRAIN", "MAINT", "NOLB", "other"] as const;

export function StatusCountList({ counts, label }: { counts: StatusCounts; label: string }) {
  const shown = ORDER.filter((s) => counts[s] > 0);
  if (shown.length === 0) return <span className="text-xs text-slate-400">no servers</span>;
  return (
    <ul className="flex flex-wrap gap-1" aria-label={label}>
      {shown.map((s) => (
        <li key={s} className="inline-flex items-center gap-1 text-xs text-slate-600">
          <StatusBadge status={s === "other" ? "unknown" : s} />
          <span className="tabular-nums">{counts[s]}</span>
        </li>
      ))}
    </ul>
  );
}

const breakerTone = {
  closed: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  half_open: "bg-amber-100 text-amber-800 ring-amber-600/20",
  open: "bg-red-100 text-red-800 ring-red-600/20",
};

export function BreakerBadge({ breaker }: { breaker: BreakerView }) {
  const until = breaker.retryAt ? ` until ${breaker.retryAt.toISOString().slice(11, 19)} UTC` : "";
  const title =
    breaker.state === "closed"
      ? breaker.failures
        ? `${breaker.failures} failed call(s) in a row: ${breaker.lastError}`
        : "Calls to the agent go through"
      : `${breaker.state === "open" ? `Calls refused${until}` : "The next call is a trial"}; last error: ${breaker.lastError ?? "—"}`;
  return (
    <span
      title={title}
      data-testid="breaker"
      className={`inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${breakerTone[breaker.state]}`}
    >
      breaker {breaker.state.replace("_", "-")}
      {breaker.state === "open"
        ? until
        : breaker.state === "closed" && breaker.failures
          ? ` (${breaker.failures} failed)`
          : ""}
      <span className="sr-only">: {title}</span>
    </span>
  );
}

/** What the breaker is, said once under each list of breaker badges (docs/operations.md, "Glossary"). */
export function BreakerHelp() {
  return (
    <p className="mt-2 text-xs text-slate-500" data-testid="breaker-help">
      Breaker (circuit breaker): after several failed calls in a row to an instance&apos;s agent, AC stops calling it
      for a while (<em>open</em>), then lets one trial call through (<em>half-open</em>); <em>closed</em> means calls go
      through normally.
    </p>
  );
}
