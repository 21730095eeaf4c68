"use client";
// A bulk drain / ready / maint from the browser: the preview names the count and the first
// servers in the one confirmation dialog, the start sends that count back (a selection that
// changed meanwhile is refused), then each item's result shows as it lands (polled from
// PostgreSQL, so any replica answers). docs/haproxy.md, "Bulk actions and host maintenance".
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ErrorNote } from "@/components/ui/states";
import type { BulkSelection } from "@/server/haproxy/bulk-selection";
import { BulkProgress } from "./bulk-progress";

export type BulkCommand = "drain" | "ready" | "maint";
export type BulkRequest = { selection: BulkSelection; command: BulkCommand };

const verbs: Record<BulkCommand, string> = { drain: "Drain", ready: "Ready", maint: "Put in maintenance" };
const consequence: Record<BulkCommand, string> = {
  drain: "HAProxy sends them no new connections; open ones finish.",
  ready: "They go back into the pool and take traffic again.",
  maint: "Maintenance takes them out of the pool at once and drops their open connections.",
};
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function BulkConfirm({
  request,
  onConfirm,
  onClose,
}: {
  request: BulkRequest;
  onConfirm: (count: number) => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const preview = useQuery(trpc.haproxy.bulkPreview.queryOptions(request, { staleTime: 0, gcTime: 0, retry: false }));
  const verb = verbs[request.command];
  const ending = request.selection.kind === "host_end"; // closes the maintenance even with nothing to ready
  const p = preview.data;
  const title = p
    ? `${verb} ${plural(p.count, "HAProxy server")} on ${plural(p.loadBalancers, "load balancer")}?`
    : `${verb} HAProxy servers?`;
  return (
    <ConfirmDialog
      title={title}
      confirmLabel={p ? `${verb} ${plural(p.count, "server")}` : verb}
      danger={request.command === "maint"}
      busy={!p || (p.count === 0 && !ending)}
      error={preview.error ? (formErrors(preview.error)?.message ?? "could not count") : null}
      items={p?.items.map((i) => `${i.label} (${i.status ?? "unknown"})`)}
      more={p ? p.count - p.items.length : 0}
      onConfirm={() => p && onConfirm(p.count)}
      onClose={onClose}
    >
      <p>
        {p
          ? `${p.description[0]!.toUpperCase()}${p.description.slice(1)}. ${consequence[request.command]}`
          : preview.isLoading
            ? "Counting…"
            : null}
      </p>
      {p?.count === 0 ? (
        <p>
          {ending
            ? "The maintenance took no server out: ending it readies nothing and closes it."
            : "Nothing matches: no live HAProxy server is selected."}
        </p>
      ) : null}
      {p?.alreadyOut ? (
        <p>
          {plural(p.alreadyOut, "server")} {p.alreadyOut === 1 ? "is" : "are"} out of the pool already (DRAIN or MAINT):
          left as {p.alreadyOut === 1 ? "it is" : "they are"}, and not readied when the maintenance ends.
        </p>
      ) : null}
    </ConfirmDialog>
  );
}

/** `ask(request)` opens the confirmation; `view` renders it, the start's error and the live progress. */
export function useBulkAction(onFinished?: () => void) {
  const trpc = useTRPC();
  const [asking, setAsking] = useState<BulkRequest | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const start = useMutation(trpc.haproxy.bulkStart.mutationOptions({ onSuccess: (r) => setRunId(r.id) }));
  const ask = (request: BulkRequest) => {
    start.reset();
    setRunId(null);
    setAsking(request);
  };
  const view = (
    <>
      {asking ? (
        <BulkConfirm
          request={asking}
          onConfirm={(count) => start.mutate({ ...asking, expectedCount: count })}
          onClose={() => setAsking(null)}
        />
      ) : null}
      {start.isPending ? <p className="text-sm text-slate-600">Starting…</p> : null}
      {start.error ? <ErrorNote>{formErrors(start.error)?.message}</ErrorNote> : null}
      {runId ? <BulkProgress id={runId} onFinished={onFinished} onDismiss={() => setRunId(null)} /> : null}
    </>
  );
  return { ask, view, busy: start.isPending };
}
