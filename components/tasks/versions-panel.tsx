"use client";
// A group's installable versions (tags_cache), newest first, with when they were read and, after
// a failed read, why — the list shown is then the last good one. Operators can read it again.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/controls";
import { RelativeTime } from "@/components/ui/relative-time";
import { Card, ErrorNote } from "@/components/ui/states";

const SHOWN = 24;

export function VersionsPanel({ groupId, canRefresh }: { groupId: number; canRefresh: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [all, setAll] = useState(false);
  const versions = useQuery(trpc.tasks.versions.queryOptions({ groupId }));
  const refresh = useMutation(
    trpc.tasks.refreshVersions.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.tasks.versions.queryKey({ groupId }), data),
    }),
  );
  const data = versions.data;
  const action =
    canRefresh && data?.url ? (
      <Button variant="secondary" onClick={() => refresh.mutate({ groupId })} disabled={refresh.isPending}>
        {refresh.isPending ? "Reading…" : "Refresh"}
      </Button>
    ) : null;

  return (
    <Card title="Available versions" actions={action}>
      <div className="space-y-3 text-sm" data-testid="available-versions">
        {versions.isPending ? <p className="text-slate-500">Reading the list…</p> : null}
        {versions.error ? <ErrorNote>{formErrors(versions.error)?.message}</ErrorNote> : null}
        {refresh.error ? <ErrorNote>{formErrors(refresh.error)?.message}</ErrorNote> : null}
        {data && !data.url ? (
          <p className="text-slate-500">No artifact list URL is set for this group or its catalog entry.</p>
        ) : null}
        {data?.url ? (
          <p className="text-xs text-slate-500">
            <span className="break-all font-mono">{data.url}</span>
            {data.format ? <> · {data.format}</> : null}
            {data.updatedAt ? (
              <>
                {" "}
                · read <RelativeTime date={data.updatedAt} />
              </>
            ) : null}
          </p>
        ) : null}
        {data?.error ? (
          <ErrorNote>
            Last read failed: {data.error}
            {data.updatedAt ? " — showing the last list read successfully." : ""}
          </ErrorNote>
        ) : null}
        {data?.url && data.versions.length === 0 && !data.error ? (
          <p className="text-slate-500">The list has no versions.</p>
        ) : null}
        {data && data.versions.length > 0 ? (
          <>
            <ul className="flex flex-wrap gap-1.5" aria-label="Versions, newest first">
              {(all ? data.versions : data.versions.slice(0, SHOWN)).map((v, i) => (
                <li
                  key={v}
                  className={`rounded px-2 py-0.5 font-mono text-xs ring-1 ring-inset ${i === 0 ? "bg-emerald-50 text-emerald-900 ring-emerald-600/30" : "bg-slate-50 text-slate-700 ring-slate-300"}`}
                >
                  {v}
                </li>
              ))}
            </ul>
            {data.versions.length > SHOWN ? (
              <button type="button" className="text-xs text-sky-800 underline" onClick={() => setAll(!all)}>
                {all ? "Show fewer" : `Show all ${data.versions.length}`}
              </button>
            ) : null}
          </>
        ) : null}
      </div>
    </Card>
  );
}
