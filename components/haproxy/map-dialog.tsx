"use client";
// Manual mapping of one HAProxy server to an application instance (operators): instances on the
// host its address names are offered first, a search finds any other. Unmap hands it back to
// auto-mapping.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { Button, Input, DialogHeader } from "@/components/ui/controls";
import { ErrorNote } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { rowButton } from "./row-button";

export function MapDialog({ serverId, label, mapped }: { serverId: number; label: string; mapped: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const unmap = useMutation(trpc.haproxy.unmap.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <>
      <div className="flex gap-1">
        <button
          type="button"
          className={rowButton}
          onClick={() => setOpen(true)}
          aria-label={`Map ${label} to an application`}
        >
          Map…
        </button>
        {mapped ? (
          <button
            type="button"
            className={rowButton}
            disabled={unmap.isPending}
            onClick={() => unmap.mutate({ haproxyServerId: serverId })}
            aria-label={`Unmap ${label}`}
          >
            Unmap
          </button>
        ) : null}
      </div>
      {unmap.error ? <span className="text-xs text-red-700">{formErrors(unmap.error)?.message}</span> : null}
      {open ? <MapPicker serverId={serverId} label={label} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

/** The dialog itself, mounted only while open (a page holds many rows). */
function MapPicker({ serverId, label, onClose }: { serverId: number; label: string; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [q, setQ] = useState("");
  useEffect(() => dialog.current?.showModal(), []);
  const candidates = useQuery(
    trpc.haproxy.mappingCandidates.queryOptions({ haproxyServerId: serverId, q: q.trim() || undefined }),
  );
  const map = useMutation(trpc.haproxy.map.mutationOptions());
  const error = formErrors(map.error ?? candidates.error);

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-label={`Map ${label}`}
      className="m-auto w-[min(40rem,calc(100vw-2rem))] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="space-y-3 p-5">
        <DialogHeader titleClass="text-base" onClose={() => dialog.current?.close()}>
          Map {label}
        </DialogHeader>
        <p className="text-sm text-slate-600">A manual mapping wins over auto-mapping until it is removed.</p>
        <label className="block text-sm">
          <span className="mb-1 block font-medium text-slate-700">Find an instance by name</span>
          <Input value={q} onChange={(e) => setQ(e.target.value)} placeholder="e.g. shop_1" />
        </label>
        {error ? <ErrorNote>{error.message}</ErrorNote> : null}
        <ul
          className="max-h-80 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200"
          aria-label="Instances"
        >
          {candidates.isLoading ? <li className="p-3 text-sm text-slate-500">Loading…</li> : null}
          {candidates.data?.length === 0 ? <li className="p-3 text-sm text-slate-500">No instance found</li> : null}
          {candidates.data?.map((i) => (
            <li key={i.id} className="flex items-center justify-between gap-2 px-3 py-2 text-sm">
              <span>
                <span className="font-medium">{i.instanceName}</span> on {i.server.name}
                {i.port ? <span className="font-mono text-xs text-slate-500"> :{i.port}</span> : null}{" "}
                <StatusBadge status={i.status} />
                {i.onAddressHost ? <span className="ml-1 text-xs text-emerald-700">same host</span> : null}
              </span>
              <Button
                className="px-2 py-1 text-xs"
                disabled={map.isPending}
                onClick={() =>
                  map.mutate(
                    { haproxyServerId: serverId, applicationInstanceId: i.id },
                    { onSuccess: () => (dialog.current?.close(), router.refresh()) },
                  )
                }
              >
                Map
              </Button>
            </li>
          ))}
        </ul>
      </div>
    </dialog>
  );
}
