// The action log's rows: who asked what of which server, when, how it ended and how long it took.
import Link from "next/link";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import type { listActions } from "@/server/haproxy/history";

type Action = Awaited<ReturnType<typeof listActions>>["items"][number];

export function ActionTable({ actions, empty }: { actions: Action[]; empty: string }) {
  if (actions.length === 0) return <EmptyState title={empty} />;
  return (
    <DataTable label="HAProxy actions">
      <thead className={theadClass}>
        <tr>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>Command</Th>
          <Th>Target</Th>
          <Th>Result</Th>
          <Th className="text-right">Took</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {actions.map((a) => (
          <tr key={a.id} data-testid="haproxy-action">
            <td className={`${tdClass} whitespace-nowrap`}>
              <RelativeTime date={a.createdAt} />
            </td>
            <td className={tdClass}>
              {a.actor}
              {a.taskId ? (
                <Link href={`/tasks/${a.taskId}`} className="block text-xs text-sky-800 hover:underline">
                  update task
                </Link>
              ) : null}
            </td>
            <td className={`${tdClass} font-mono text-xs`}>{a.command}</td>
            <td className={`${tdClass} font-mono text-xs`}>
              {a.haproxyServerId ? (
                <Link href={`/haproxy/servers/${a.haproxyServerId}`} className="text-sky-800 hover:underline">
                  {a.target}
                </Link>
              ) : (
                a.target
              )}
            </td>
            <td className={tdClass}>
              <StatusBadge status={a.result} />
              {a.error ? <span className="block max-w-md break-words text-xs text-slate-600">{a.error}</span> : null}
            </td>
            <td className={`${tdClass} whitespace-nowrap text-right tabular-nums text-xs`}>
              {a.durationMs === null ? "—" : `${a.durationMs} ms`}
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
