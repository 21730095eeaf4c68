"use client";
// A bulk action's live progress: counts per result and each item's outcome (ok with the state
// read back, failed with the reason, skipped with why), polled every second while it runs.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ErrorNote } from "@/components/ui/states";
import { rowButton } from "./row-button";

/** Items listed; haproxy.bulkItems pages through all of them. */
const SHOWN = 100;
const resultClass = {
  pending: "text-slate-500",
  success: "text-emerald-700",
  failed: "text-red-700",
  skipped: "text-amber-700",
} as const;
const resultWord = { pending: "waiting", success: "ok", failed: "failed", skipped: "skipped" } as const;

export function BulkProgress({
  id,
  onFinished,
  onDismiss,
}: {
  id: number;
  onFinished?: () => void;
  onDismiss?: () => void;
}) {
  const trpc = useTRPC();
  const every = (running: boolean) => (running ? 1_000 : false);
  const status = useQuery({
    ...trpc.haproxy.bulkStatus.queryOptions({ id }),
    refetchInterval: (q) => every(!q.state.data || q.state.data.status === "running"),
  });
  const running = !status.data || status.data.status === "running";
  const items = useQuery({
    ...trpc.haproxy.bulkItems.queryOptions({ id, limit: SHOWN }),
    refetchInterval: every(running),
  });
  const finishedOnce = useRef(false);
  useEffect(() => {
    if (running || finishedOnce.current) return;
    finishedOnce.current = true;
    void items.refetch(); // the last items' results
    onFinished?.();
  }, [running, items, onFinished]);

  if (status.error) return <ErrorNote>{formErrors(status.error)?.message}</ErrorNote>;
  const s = status.data;
  const c = s?.counts;
  return (
    <section
      className="mt-3 rounded-lg border border-slate-200 bg-white p-3"
      aria-label="Bulk action progress"
      data-testid="bulk-progress"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h3 className="text-sm font-semibold text-slate-900">{s ? `${s.command}: ${s.description}` : "Loading…"}</h3>
        <p role="status" aria-live="polite" className="text-sm text-slate-700" data-testid="bulk-counts">
          {c
            ? `${s.status === "running" ? "running" : s.status}: ${c.success} ok, ${c.failed} failed, ${c.skipped} skipped, ${c.pending} waiting of ${c.total}`
            : null}
        </p>
        {onDismiss && !running ? (
          <button type="button" className={`${rowButton} ml-auto`} onClick={onDismiss}>
            Dismiss
          </button>
        ) : null}
      </div>
      {items.data?.items.length ? (
        <ul className="mt-2 max-h-72 space-y-0.5 overflow-y-auto text-xs" aria-label="Each server's result">
          {items.data.items.map((item) => (
            <li key={item.id} className="break-words" data-testid="bulk-item" data-result={item.result}>
              <span className={`font-medium ${resultClass[item.result]}`}>{resultWord[item.result]}</span>{" "}
              <span className="font-mono">{item.target}</span>
              {item.status ? <span className="text-slate-600"> → {item.status}</span> : null}
              {item.error ? <span className="text-slate-600"> — {item.error}</span> : null}
            </li>
          ))}
          {items.data.nextAfterId ? (
            <li className="text-slate-500">The first {SHOWN} are listed; the counts above cover all.</li>
          ) : null}
        </ul>
      ) : null}
    </section>
  );
}
