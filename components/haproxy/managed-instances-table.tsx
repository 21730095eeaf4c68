"use client";
// The /haproxy/instances table: each instance's agent, socket, selection, last sync and breaker,
// with Edit and Delete for admins. A client component fed plain rows: drawn as a server tree,
// each row cost 1.9 KB of the page's RSC payload on top of its HTML (docs/performance.md,
// "Inventory pages at 500,000 instances").
import Link from "next/link";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { BreakerBadge } from "./badges";
import { DeleteInstanceButton, InstanceForm } from "./instance-form";
import type { InstanceRow } from "./instances-table";

export type ManagedInstance = Pick<
  InstanceRow,
  | "id"
  | "name"
  | "isActive"
  | "socketPath"
  | "backendFilter"
  | "selection"
  | "backendCount"
  | "lastSyncAt"
  | "lastSyncSuccess"
  | "lastSyncError"
  | "breaker"
> & { server: { id: number; name: string } };

export function ManagedInstancesTable({
  instances,
  servers,
  admin,
}: {
  instances: ManagedInstance[];
  /** The servers an admin may pick in the forms. */
  servers: { id: number; name: string }[];
  admin: boolean;
}) {
  return (
    <DataTable label="HAProxy instances">
      <thead className={theadClass}>
        <tr>
          <Th>Name</Th>
          <Th>Server</Th>
          <Th>Socket</Th>
          <Th>Backends polled</Th>
          <Th>Last sync</Th>
          <Th>Breaker</Th>
          {admin ? (
            <Th>
              <span className="sr-only">Manage</span>
            </Th>
          ) : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {instances.map((i) => (
          <tr key={i.id} data-testid="instance-row">
            <td className={`${tdClass} font-medium`}>
              <Link href={`/haproxy?instance=${i.id}`} className="text-sky-800 hover:underline">
                {i.name}
              </Link>
              {i.isActive ? null : <span className="ml-2 text-xs text-slate-500">inactive</span>}
              <Link
                className="block text-xs font-normal text-sky-800 hover:underline"
                href={`/audit?targetType=haproxy_instance&targetId=${i.id}`}
              >
                history
              </Link>
            </td>
            <td className={tdClass}>
              <Link href={`/servers/${i.server.id}`} className="hover:underline">
                {i.server.name}
              </Link>
            </td>
            <td className={`${tdClass} font-mono text-xs`}>{i.socketPath ?? "—"}</td>
            <td className={`${tdClass} font-mono text-xs`}>
              {i.selection} <span className="font-sans text-slate-500">({i.backendCount})</span>
            </td>
            <td className={tdClass}>
              {i.lastSyncAt ? (
                <>
                  <StatusBadge status={i.lastSyncSuccess ? "success" : "failed"} /> <RelativeTime date={i.lastSyncAt} />
                </>
              ) : (
                <span className="text-slate-400">never</span>
              )}
              {i.lastSyncError ? (
                <span className="block max-w-sm break-words text-xs text-red-700">{i.lastSyncError}</span>
              ) : null}
            </td>
            <td className={tdClass}>
              <BreakerBadge breaker={i.breaker} />
            </td>
            {admin ? (
              <td className={tdClass}>
                <div className="flex gap-2">
                  <InstanceForm
                    servers={servers}
                    instance={{
                      id: i.id,
                      name: i.name,
                      serverId: i.server.id,
                      socketPath: i.socketPath,
                      isActive: i.isActive,
                      backendFilter: i.backendFilter,
                    }}
                  />
                  <DeleteInstanceButton instance={{ id: i.id, name: i.name }} />
                </div>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
