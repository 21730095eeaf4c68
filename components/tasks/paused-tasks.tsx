// The dashboard's update tasks waiting for Continue (docs/update-tasks.md, "Multi-group rollouts
// and canaries"): a pause holds its instances until someone continues or cancels it on the task
// page, so the dashboard names each one and how long it has waited.
import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import type { pausedTasks } from "@/server/tasks/queries";

type PausedTask = Awaited<ReturnType<typeof pausedTasks>>[number];

/** "paused after the canary 2 h ago, waiting for Continue": for the dashboard and the tasks list. */
export function PausedSince({ reason, since }: { reason: "canary" | "stage"; since: string | null | undefined }) {
  return (
    <>
      paused {reason === "canary" ? "after the canary" : "between groups"}
      {since ? (
        <>
          {" "}
          <RelativeTime date={since} />
        </>
      ) : null}
      , waiting for Continue
    </>
  );
}

export function PausedTasks({ tasks }: { tasks: PausedTask[] }) {
  if (tasks.length === 0) return <p className="mt-3 text-sm text-slate-500">No task is waiting for Continue.</p>;
  return (
    <ul className="mt-3 divide-y divide-slate-100 text-sm" data-testid="paused-tasks" aria-label="Paused tasks">
      {tasks.map((t) => (
        <li key={t.id} className="flex flex-wrap items-baseline gap-x-2 py-2">
          <Link href={`/tasks/${t.id}`} className="font-medium text-sky-800 hover:underline">
            {t.group ?? "task"} <span className="font-mono text-xs">{t.id.slice(0, 8)}</span>
          </Link>
          <span className="text-slate-600">
            <PausedSince reason={t.reason} since={t.since} />
          </span>
        </li>
      ))}
    </ul>
  );
}
