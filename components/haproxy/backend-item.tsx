"use client";
// One backend of the /haproxy accordion (native <details>: keyboard and screen readers work as
// they should). Servers come with the page when a filter opened the backend; otherwise they are
// loaded when it is opened, so 1,000 collapsed backends cost only their headers. An open
// backend reads its servers again whenever the page's data is refreshed.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { BackendCharts } from "@/components/charts/backend-charts";
import { ErrorNote } from "@/components/ui/states";
import type { StatusCounts } from "@/server/haproxy/queries";
import { StatusCountList } from "./badges";
import { useBulkAction } from "./bulk-action";
import { rowButton } from "./row-button";
import { ServersTable, type ServerRow } from "./servers-table";

export type BackendHeader = {
  id: number;
  backendName: string;
  instanceName: string;
  serverName: string;
  counts: StatusCounts;
};
type Props = {
  backend: BackendHeader;
  servers: ServerRow[] | null;
  readAt: Date;
  canCommand: boolean;
  canMap: boolean;
};

function LoadedServers({
  backendId,
  prefix,
  readAt,
  canCommand,
  canMap,
}: {
  backendId: number;
  prefix: string;
  readAt: Date;
  canCommand: boolean;
  canMap: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.haproxy.servers.queryOptions({ backendId }));
  const seen = useRef(readAt.getTime());
  useEffect(() => {
    if (seen.current === readAt.getTime()) return; // the first load is under way already
    seen.current = readAt.getTime();
    void queryClient.invalidateQueries({ queryKey: trpc.haproxy.servers.queryKey({ backendId }) });
  }, [readAt, backendId, queryClient, trpc]);
  if (query.isLoading) return <p className="text-sm text-slate-500">Loading servers…</p>;
  if (query.error) return <ErrorNote>{formErrors(query.error)?.message}</ErrorNote>;
  if (!query.data?.servers.length) return <p className="text-sm text-slate-500">No servers.</p>;
  return <ServersTable servers={query.data.servers} prefix={prefix} canCommand={canCommand} canMap={canMap} />;
}

/** "Drain / ready the whole backend", through the bulk confirmation. */
function WholeBackend({ backendId, prefix }: { backendId: number; prefix: string }) {
  const router = useRouter();
  const bulk = useBulkAction(() => router.refresh());
  const ask = (command: "drain" | "ready") => bulk.ask({ command, selection: { kind: "backend", backendId } });
  return (
    <div className="mb-2">
      <div className="flex flex-wrap gap-2" role="group" aria-label={`Whole backend ${prefix}`}>
        <button type="button" className={rowButton} disabled={bulk.busy} onClick={() => ask("drain")}>
          Drain whole backend<span className="sr-only"> {prefix}</span>
        </button>
        <button type="button" className={rowButton} disabled={bulk.busy} onClick={() => ask("ready")}>
          Ready whole backend<span className="sr-only"> {prefix}</span>
        </button>
      </div>
      {bulk.view}
    </div>
  );
}

export function BackendItem({ backend, servers, readAt, canCommand, canMap }: Props) {
  const [open, setOpen] = useState(servers !== null);
  const prefix = `${backend.instanceName}/${backend.backendName}`;
  return (
    <details
      open={servers !== null || undefined}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      className="group rounded-lg border border-slate-200 bg-white"
      data-testid="backend"
      data-backend={prefix}
    >
      <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-4 gap-y-1 rounded-lg px-4 py-3 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
        <span aria-hidden="true" className="text-slate-400 transition-transform group-open:rotate-90">
          ▶
        </span>
        <span className="font-medium text-slate-900">
          <span className="text-slate-500">{backend.instanceName} /</span> {backend.backendName}
        </span>
        <StatusCountList counts={backend.counts} label={`Servers of ${prefix} by status`} />
        <span className="ml-auto text-xs text-slate-500">on {backend.serverName}</span>
      </summary>
      <div className="border-t border-slate-100 p-3">
        {open || servers !== null ? <BackendCharts backendId={backend.id} prefix={prefix} /> : null}
        {canCommand && (open || servers !== null) ? <WholeBackend backendId={backend.id} prefix={prefix} /> : null}
        {servers !== null ? (
          servers.length === 0 ? (
            <p className="text-sm text-slate-500">No servers match the filters.</p>
          ) : (
            <ServersTable servers={servers} prefix={prefix} canCommand={canCommand} canMap={canMap} />
          )
        ) : open ? (
          <LoadedServers
            backendId={backend.id}
            prefix={prefix}
            readAt={readAt}
            canCommand={canCommand}
            canMap={canMap}
          />
        ) : null}
      </div>
    </details>
  );
}
