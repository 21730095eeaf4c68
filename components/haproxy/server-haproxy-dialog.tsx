"use client";
// The server page's "HAProxy" dialog: the server's HAProxy instances as an accordion (name,
// sync state, backend count); opening one loads its backends with their server stats as the
// agent reports them now (the last synced state when it cannot be read).
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { Button, DialogHeader } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import type { InstanceRow } from "./instances-table";
import { BreakerBadge, BreakerHelp, StatusCountList } from "./badges";

function InstanceBackends({ instanceId }: { instanceId: number }) {
  const trpc = useTRPC();
  const live = useQuery(trpc.haproxy.liveBackends.queryOptions({ instanceId }));
  if (live.isLoading) return <p className="text-sm text-slate-500">Loading backends…</p>;
  if (live.error) return <ErrorNote>{formErrors(live.error)?.message}</ErrorNote>;
  const data = live.data!;
  return (
    <div className="space-y-2">
      {data.source === "stored" ? (
        <p className="text-xs text-amber-800">Last synced state: the agent could not be read ({data.error}).</p>
      ) : null}
      {data.backends.length === 0 ? <p className="text-sm text-slate-500">No backends.</p> : null}
      <ul className="divide-y divide-slate-100" aria-label="Backends">
        {data.backends.map((b) => (
          <li
            key={b.name}
            className="flex flex-wrap items-center justify-between gap-2 py-1.5 text-sm"
            data-testid="dialog-backend"
          >
            <span className="font-medium">{b.name}</span>
            <span className="flex items-center gap-3">
              <StatusCountList counts={b.servers} label={`Servers of ${b.name} by status`} />
              {b.sessions !== null ? (
                <span className="text-xs text-slate-500 tabular-nums">{b.sessions} sessions</span>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ServerHaproxyDialog({ serverName, instances }: { serverName: string; instances: InstanceRow[] }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const toggle = (id: number) =>
    setOpen((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const title = `HAProxy on ${serverName}`;

  return (
    <>
      <Button
        variant="secondary"
        title="Opens the HAProxy load balancers this server's agent runs: their backends, last sync and breaker"
        onClick={() => dialog.current?.showModal()}
      >
        HAProxy on this server ({instances.length})
      </Button>
      <dialog
        ref={dialog}
        aria-label={title}
        className="m-auto w-[min(48rem,calc(100vw-2rem))] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="space-y-3 p-5">
          <DialogHeader onClose={() => dialog.current?.close()}>
            {title}{" "}
            <span className="text-sm font-normal text-slate-500">
              ({instances.length} instance{instances.length === 1 ? "" : "s"})
            </span>
          </DialogHeader>
          <p className="text-sm text-slate-600">
            The HAProxy load balancers whose runtime API {serverName}&apos;s agent serves, as AC last synced them.
          </p>
          {instances.length === 0 ? (
            <p className="text-sm text-slate-500">No HAProxy instance is registered on this server.</p>
          ) : null}
          {instances.map((i) => {
            const expanded = open.has(i.id);
            return (
              <section key={i.id} className="rounded-md border border-slate-200">
                <h3>
                  <button
                    type="button"
                    aria-expanded={expanded}
                    aria-controls={`haproxy-instance-${i.id}`}
                    onClick={() => toggle(i.id)}
                    className="flex w-full flex-wrap items-center gap-3 px-3 py-2 text-left text-sm hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
                  >
                    <span aria-hidden="true" className={`text-slate-400 ${expanded ? "rotate-90" : ""}`}>
                      ▶
                    </span>
                    <span className="font-medium">{i.name}</span>
                    {i.lastSyncAt ? (
                      <StatusBadge status={i.lastSyncSuccess ? "success" : "failed"} />
                    ) : (
                      <StatusBadge status="unknown" />
                    )}
                    <BreakerBadge breaker={i.breaker} />
                    <span className="ml-auto text-xs text-slate-500">
                      {i.backendCount} backend{i.backendCount === 1 ? "" : "s"}
                    </span>
                  </button>
                </h3>
                {expanded ? (
                  <div id={`haproxy-instance-${i.id}`} className="border-t border-slate-100 px-3 py-2">
                    {i.lastSyncError ? <p className="mb-2 text-xs text-red-700">Last sync: {i.lastSyncError}</p> : null}
                    <InstanceBackends instanceId={i.id} />
                    <Link
                      href={`/haproxy?instance=${i.id}`}
                      className="mt-2 inline-block text-sm text-sky-800 underline"
                    >
                      Servers and commands
                    </Link>
                  </div>
                ) : null}
              </section>
            );
          })}
          <BreakerHelp />
        </div>
      </dialog>
    </>
  );
}
