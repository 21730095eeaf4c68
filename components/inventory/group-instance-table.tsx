"use client";
// The instances of a group, side by side: up to 50 rows (GROUP_INSTANCE_LIMIT). They come from
// the server page as plain data (about 150 bytes a row) and are rendered here, rather than as a server-rendered tree
// (1.3 KB a row in the page's RSC payload, on top of the HTML): rendering that tree was most of
// the group page's server time (docs/performance.md, "Inventory pages").
import { DataTable } from "@/components/ui/data-table";
import { InstanceHead, InstanceRow, type InstanceColumn } from "@/components/ui/instance-row";

export type GroupInstanceRow = {
  id: number;
  serverId: number;
  serverName: string;
  instanceName: string;
  appType: string;
  status: string;
  version: string | null;
  drifted: boolean;
  hasOverrides: boolean;
  lastSeen: Date | null;
};

const columns: InstanceColumn[] = ["server", "instance", "status", "version", "lastSeen"];
// A group spans app types (jurws_1 as a container on one server, a service on another): then the
// same name means different things, and a Type column tells them apart.
const withType: InstanceColumn[] = ["server", "instance", "type", "status", "version", "lastSeen"];

export function GroupInstanceTable({
  label,
  rows,
  commonVersion,
}: {
  label: string;
  rows: GroupInstanceRow[];
  commonVersion: string | null;
}) {
  const shown = new Set(rows.map((row) => row.appType)).size > 1 ? withType : columns;
  return (
    <DataTable label={label}>
      <InstanceHead columns={shown} />
      <tbody className="divide-y divide-slate-100">
        {rows.map(({ serverId, serverName, ...row }) => (
          // Plain links: 1,000 next/link components would each prefetch once scrolled into view.
          <InstanceRow
            key={row.id}
            instance={{ ...row, server: { id: serverId, name: serverName } }}
            columns={shown}
            commonVersion={commonVersion}
            plainLinks
          />
        ))}
      </tbody>
    </DataTable>
  );
}
