// Tasks as a table: what, who, when, how far. Used by the tasks list and the recent tasks of a
// group or instance.
import Link from "next/link";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { outOfPoolWords } from "@/lib/tasks";
import type { listTasks } from "@/server/tasks/queries";
import { PausedSince } from "./paused-tasks";

export type TaskRow = Awaited<ReturnType<typeof listTasks>>["items"][number];

export function TaskTable({ tasks, empty }: { tasks: TaskRow[]; empty: string }) {
  if (tasks.length === 0) return <EmptyState title={empty} />;
  return (
    <DataTable label="Update tasks">
      <thead className={theadClass}>
        <tr>
          <Th>Task</Th>
          <Th>Status</Th>
          <Th>Group</Th>
          <Th>Version</Th>
          <Th>Progress</Th>
          <Th>Started by</Th>
          <Th>Created</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {tasks.map((t) => (
          <tr key={t.id} data-testid="task-row">
            <td className={tdClass}>
              <Link href={`/tasks/${t.id}`} className="font-mono text-xs text-sky-800 hover:underline">
                {t.id.slice(0, 8)}
              </Link>
            </td>
            <td className={tdClass}>
              <StatusBadge status={t.status} />
              {t.error ? (
                <div className="mt-1 max-w-md truncate text-xs text-slate-500" title={t.error}>
                  {t.error}
                </div>
              ) : null}
              {t.status === "paused" && t.pause ? (
                <div className="mt-1 text-xs text-amber-800" data-testid="task-paused-since">
                  <PausedSince reason={t.pause.reason} since={t.pause.since} />
                </div>
              ) : null}
              {t.counts.outOfPool && t.status !== "running" ? (
                <div className="mt-1 text-xs font-medium text-amber-800" data-testid="task-out-of-pool">
                  {outOfPoolWords(t.counts.outOfPool - t.counts.outOfService, t.counts.outOfService)}
                </div>
              ) : null}
            </td>
            {t.stages.length > 1 ? (
              // A rollout: its groups in order, each with its version.
              <td className={tdClass} colSpan={2} data-testid="task-stages">
                <ol className="text-xs">
                  {t.stages.map((s, i) => (
                    <li key={s.firstBatch}>
                      {i + 1}. {s.group?.name ?? "—"} → <span className="font-mono">{s.targetVersion}</span>
                    </li>
                  ))}
                </ol>
              </td>
            ) : (
              <>
                <td className={tdClass}>
                  {t.group ? (
                    <Link className="text-sky-800 hover:underline" href={`/groups/${t.group.id}`}>
                      {t.group.name}
                    </Link>
                  ) : (
                    "—"
                  )}
                </td>
                <td className={`${tdClass} font-mono text-xs`}>{t.targetVersion}</td>
              </>
            )}
            <td className={`${tdClass} whitespace-nowrap`}>
              {t.counts.batchesDone}/{t.counts.batches} batches · {t.counts.instances} instance
              {t.counts.instances === 1 ? "" : "s"}
            </td>
            <td className={tdClass}>{t.createdBy}</td>
            <td className={`${tdClass} whitespace-nowrap`}>
              <RelativeTime date={t.createdAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
