"use client";
// The instances of a group, side by side: up to 500 rows. They come from the server page as
// plain data (about 150 bytes a row) and are rendered here, rather than as a server-rendered tree
// (1.3 KB a row in the page's RSC payload, on top of the HTML): rendering that tree was most of
// the group page's server time (docs/performance.md, "Inventory pages").
import { DataTable, Th, tdClass, theadClass } from "@/components/inventory/table";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";

export type GroupInstanceRow = {
  id: number;
  serverId: number;
  serverName: string;
  instanceName: string;
  status: string;
  version: string | null;
  drifted: boolean;
  hasOverrides: boolean;
  lastSeen: Date | null;
};

export function GroupInstanceTable({ label, rows, commonVersion }: { label: string; rows: GroupInstanceRow[]; commonVersion: string | null }) {
  return (
    // Plain links: 1,000 next/link components would each prefetch once scrolled into view.
    <DataTable label={label} linkClass="[&_td_a]:text-sky-800 [&_td_a:hover]:underline">
      <thead className={theadClass}>
        <tr>
          <Th>Server</Th>
          <Th>Instance</Th>
          <Th>Status</Th>
          <Th>Version</Th>
          <Th>Last seen</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => (
          <tr key={row.id} data-testid="instance-row" data-drift={row.drifted || undefined} className={row.drifted ? "bg-amber-50" : undefined}>
            <td className={tdClass}>
              <a href={`/servers/${row.serverId}`}>{row.serverName}</a>
            </td>
            <td className={`${tdClass} font-medium`}>
              <a href={`/applications/${row.id}`}>{row.instanceName}</a>
              {row.hasOverrides ? <span className="ml-2 rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-800">own settings</span> : null}
            </td>
            <td className={tdClass}>
              <StatusBadge status={row.status} />
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>
              <span className="font-mono text-xs" data-testid="instance-version">
                {row.version ?? "—"}
              </span>
              {row.drifted ? <span className="ml-2 text-xs font-medium text-amber-800">differs from {commonVersion}</span> : null}
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>
              <RelativeTime date={row.lastSeen} />
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
