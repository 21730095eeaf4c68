"use client";
// HAProxy instances with what an operator checks first: last sync and its error, the breaker,
// the backend selection, server counts, and "Sync now". A client component fed plain rows (about
// 300 bytes each): drawn as a server tree, each row cost 3 KB of the page's RSC payload on top of
// its HTML, most of the /haproxy page's payload (docs/performance.md, "Inventory pages at 500,000 instances").
import Link from "next/link";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import type { listInstances } from "@/server/haproxy/queries";
import { hrefWith } from "@/lib/href";
import { BreakerBadge, StatusCountList } from "./badges";
import { SyncButton } from "./sync-button";

export type InstanceRow = Awaited<ReturnType<typeof listInstances>>[number];

/** What the table shows of an instance: the page picks it from an InstanceRow. */
export type InstanceSummary = Pick<
  InstanceRow,
  "id" | "name" | "isActive" | "lastSyncAt" | "lastSyncSuccess" | "lastSyncError" | "breaker" | "backendCount"
> & { server: { id: number; name: string }; selection: string; servers: InstanceRow["servers"]; syncing: boolean };

export function InstancesTable({ instances, canSync }: { instances: InstanceSummary[]; canSync: boolean }) {
  return (
    <DataTable label="HAProxy instances">
      <thead className={theadClass}>
        <tr>
          <Th>Instance</Th>
          <Th>Last sync</Th>
          <Th>Breaker</Th>
          <Th>Backends</Th>
          <Th>Servers</Th>
          {canSync ? (
            <Th>
              <span className="sr-only">Sync</span>
            </Th>
          ) : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {instances.map((i) => (
          <tr key={i.id} data-testid="haproxy-instance" data-instance={i.name}>
            <td className={tdClass}>
              <Link
                href={hrefWith("/haproxy", { instance: i.id })}
                className="font-medium text-sky-800 hover:underline"
              >
                {i.name}
              </Link>
              <span className="block text-xs text-slate-500">
                on{" "}
                <Link href={`/servers/${i.server.id}`} className="hover:underline">
                  {i.server.name}
                </Link>
                {i.isActive ? "" : " · inactive"}
              </span>
            </td>
            <td className={tdClass} data-testid="last-sync">
              {i.lastSyncAt ? (
                <>
                  <StatusBadge status={i.lastSyncSuccess ? "success" : "failed"} /> <RelativeTime date={i.lastSyncAt} />
                  {i.lastSyncError ? (
                    <span className="block max-w-md break-words text-xs text-red-700">{i.lastSyncError}</span>
                  ) : null}
                </>
              ) : (
                <span className="text-slate-400">never</span>
              )}
            </td>
            <td className={tdClass}>
              <BreakerBadge breaker={i.breaker} />
            </td>
            <td className={tdClass}>
              <span className="tabular-nums">{i.backendCount}</span>
              <span className="block max-w-48 truncate text-xs text-slate-500" title={i.selection}>
                {i.selection}
              </span>
            </td>
            <td className={tdClass}>
              <StatusCountList counts={i.servers} label={`Servers of ${i.name} by status`} />
            </td>
            {canSync ? (
              <td className={tdClass}>
                <SyncButton instanceId={i.id} name={i.name} running={i.syncing} />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
