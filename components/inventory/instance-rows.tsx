"use client";
// The body of an instance table, drawn from plain rows: a list page sends its 50 rows as data
// (about 250 bytes each) instead of a server-rendered tree (2 KB a row in the page's RSC payload,
// on top of the HTML). docs/performance.md, "Inventory pages at 500,000 instances".
import { InstanceRow, type InstanceColumn, type InstanceRowData } from "@/components/ui/instance-row";

export function InstanceRows({ rows, columns }: { rows: InstanceRowData[]; columns: InstanceColumn[] }) {
  return (
    <tbody className="divide-y divide-slate-100">
      {rows.map((row) => (
        <InstanceRow key={row.id} instance={row} columns={columns} />
      ))}
    </tbody>
  );
}
