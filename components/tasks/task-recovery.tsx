"use client";
// The task page's recovery part (docs/update-tasks.md, "After a failure or an interruption"):
// which HAProxy servers the task holds out of the pool, and, once it has stopped, the operator's
// two actions, each confirmed first: return exactly those servers to the pool, or retry from the
// failed batch as a new task. Also where a retry came from or went.
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formErrors } from "@/components/mutation-error";
import { useTRPC } from "@/components/trpc";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Button } from "@/components/ui/controls";
import { plural } from "@/lib/plural";
import { outOfPoolWords, taskOpen } from "@/lib/tasks";
import type { getTask } from "@/server/tasks/queries";

type Task = Awaited<ReturnType<typeof getTask>>;
const taskLink = (id: string) => (
  <Link href={`/tasks/${id}`} className="font-mono text-sky-800 hover:underline">
    {id.slice(0, 8)}
  </Link>
);

export function TaskRecovery({
  task,
  canRecover,
  onChanged,
}: {
  task: Task;
  canRecover: boolean;
  onChanged: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [asking, setAsking] = useState<"return" | "retry" | null>(null);
  const returnToPool = useMutation(trpc.tasks.returnToPool.mutationOptions({ onSuccess: onChanged }));
  const retry = useMutation(trpc.tasks.retry.mutationOptions({ onSuccess: ({ id }) => router.push(`/tasks/${id}`) }));
  const progress = task.progress;
  // HAProxy servers it drained and Eureka instances it set OUT_OF_SERVICE: both go back on "return".
  const pool = progress?.outOfPool ?? [];
  const eureka = progress?.outOfService ?? [];
  const servers = [
    ...pool.map((s) => ({ key: `haproxy-${s.haproxyServerId}`, label: s.label })),
    ...eureka.map((o) => ({ key: `eureka-${o.instanceId}`, label: `Eureka ${o.label}` })),
  ];
  const stopped = !taskOpen(task.status);
  const batches = progress?.batches ?? [];
  const failedBatch = progress?.failure?.batch ?? batches.findIndex((b) => b.status !== "succeeded");
  const retryable = (task.status === "failed" || task.status === "interrupted") && !task.retry && failedBatch >= 0;
  const error = formErrors(returnToPool.error ?? retry.error);
  const returned = returnToPool.data;

  if (!servers.length && !retryable && !task.retry && !task.retryOfId && !returned) return null;
  return (
    <section
      aria-labelledby="recovery-heading"
      className={`space-y-3 rounded-lg border p-4 text-sm ${stopped && servers.length ? "border-amber-300 bg-amber-50" : "border-slate-200 bg-white"}`}
      data-testid="task-recovery"
    >
      <h2 id="recovery-heading" className="text-base font-semibold text-slate-900">
        {servers.length
          ? outOfPoolWords(pool.length, eureka.length)
          : task.retryOfId || task.retry
            ? "Retries"
            : "HAProxy pool"}
      </h2>
      {servers.length ? (
        <>
          <p className="text-slate-700">
            {stopped
              ? "This task drained them (HAProxy) or set them OUT_OF_SERVICE (Eureka) and did not put them back: they take no new traffic until they are returned."
              : "Taken out by this task for its current batch; it puts them back when the batch is done."}
          </p>
          <ul className="list-disc space-y-0.5 pl-5" data-testid="out-of-pool">
            {servers.map((s) => (
              <li key={s.key} className="font-mono break-all">
                {s.label}
              </li>
            ))}
          </ul>
        </>
      ) : stopped && !task.retryOfId && !task.retry ? (
        <p className="text-slate-700">No HAProxy server is out of the pool because of this task.</p>
      ) : null}
      {task.retryOfId ? <p>Retry of task {taskLink(task.retryOfId)}, from its failed batch.</p> : null}
      {task.retry ? (
        <p>
          Retried as task {taskLink(task.retry.id)} ({task.retry.status}).
        </p>
      ) : null}
      {canRecover && stopped && (servers.length || retryable) ? (
        <div className="flex flex-wrap gap-2">
          {servers.length ? (
            <Button variant="secondary" disabled={returnToPool.isPending} onClick={() => setAsking("return")}>
              {returnToPool.isPending ? "Returning…" : "Return these servers to the pool"}
            </Button>
          ) : null}
          {retryable ? (
            <Button disabled={retry.isPending} onClick={() => setAsking("retry")}>
              {retry.isPending ? "Starting…" : "Retry from the failed batch"}
            </Button>
          ) : null}
        </div>
      ) : null}
      <div aria-live="polite">
        {returned ? (
          <p className={returned.failed.length ? "text-red-700" : "text-emerald-800"}>
            {returned.readied.length ? `Back in the pool: ${returned.readied.join(", ")}.` : ""}
            {returned.failed.map((f) => ` Could not ready ${f.label}: ${f.error}.`).join("")}
            {returned.skipped.map((s) => ` Left alone ${s.label}: ${s.reason}.`).join("")}
          </p>
        ) : null}
        {error ? (
          <p className="text-red-700" role="alert">
            {error.message}
          </p>
        ) : null}
      </div>
      {asking === "return" ? (
        <ConfirmDialog
          title={`Return ${plural(servers.length, "server")} to the pool?`}
          confirmLabel="Return to the pool"
          onConfirm={() => returnToPool.mutate({ id: task.id })}
          onClose={() => setAsking(null)}
        >
          <p>These HAProxy servers are set to READY, these Eureka instances UP, and they take traffic again:</p>
          <ul className="list-disc pl-5 font-mono break-all">
            {servers.map((s) => (
              <li key={s.key}>{s.label}</li>
            ))}
          </ul>
          <p>Do this only if their instances work: the task stopped before confirming them.</p>
        </ConfirmDialog>
      ) : null}
      {asking === "retry" ? (
        <ConfirmDialog
          title={`Retry from batch ${failedBatch + 1} of ${batches.length}?`}
          confirmLabel="Start the retry"
          onConfirm={() => retry.mutate({ id: task.id })}
          onClose={() => setAsking(null)}
        >
          <p>
            A new task updates the instances of batch {failedBatch + 1} and every batch after it to{" "}
            {task.parameters.targetVersion}, with this task&apos;s settings. Earlier batches are not touched.
          </p>
          {servers.length ? <p>The servers out of the pool become the new task&apos;s: it readies them.</p> : null}
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
