// "12 — 10 online, 2 offline": a server's or group's instances per status, worst news first.
import { StatusBadge } from "@/components/ui/status-badge";

const order = ["offline", "no_data", "stopping", "starting", "unknown", "online"] as const;

export function InstanceCounts({ counts, total }: { counts: Partial<Record<string, number>>; total: number }) {
  if (total === 0) return <span className="text-slate-400">none</span>;
  return (
    <span className="flex flex-wrap items-center gap-1.5">
      <span className="font-semibold tabular-nums">{total}</span>
      {order
        .filter((status) => counts[status])
        .map((status) => (
          <span key={status} className="inline-flex items-center gap-1 tabular-nums">
            <StatusBadge status={status} />
            {counts[status]}
          </span>
        ))}
    </span>
  );
}
