import Link from "next/link";
import { notFound } from "next/navigation";
import { TaskLive } from "@/components/tasks/task-live";
import { RelativeTime } from "@/components/ui/relative-time";
import { BackLink, PageHeader } from "@/components/ui/states";
import { orNotFound } from "@/lib/page-data";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { cache } from "react";
import { withLoading } from "@/components/ui/page-loading";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Task ${(await params).id.slice(0, 8)}` };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cached: the check that withLoading runs first and the page ask once. */
const findTask = cache(async (id: string) => {
  if (!UUID.test(id)) notFound();
  return orNotFound((await api()).tasks.get({ id }));
});

async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const [task, actor] = await Promise.all([findTask((await params).id), currentActor()]);
  const { parameters: p, progress } = task;
  const rollout = task.stages.length > 1;
  const group = rollout ? null : progress?.plan.group;
  const title = rollout
    ? `Rollout: ${task.stages.map((s) => `${s.group?.name ?? "—"} → ${s.targetVersion}`).join(", ")}`
    : `Update ${group ? group.name : `${task.counts.instances} instance${task.counts.instances === 1 ? "" : "s"}`} to ${p.targetVersion}`;
  return (
    <>
      <BackLink href="/tasks">Tasks</BackLink>
      <PageHeader title={title} />
      <p className="-mt-3 mb-5 text-sm text-slate-600">
        Task <span className="font-mono">{task.id}</span> · started by{" "}
        <span className="font-medium">{task.createdBy}</span> <RelativeTime date={task.createdAt} />
        {group ? (
          <>
            {" "}
            · group{" "}
            <Link className="text-sky-800 hover:underline" href={`/groups/${group.id}`}>
              {group.name}
            </Link>
          </>
        ) : null}
        {rollout ? null : (
          <>
            {" · "}batches {p.strategy.replaceAll("_", " ")}
            {p.strategy === "fixed_size" ? ` of ${p.batchSize ?? 1}` : ""}
          </>
        )}
        {p.canary ? " · canary first, then a pause" : ""}
        {p.pauseBetweenStages ? " · pauses after each group" : ""}
        {" · "}HAProxy{" "}
        {p.orchestrateHaproxy
          ? `drained around batches, ${p.drainDelaySec} s drain delay`
          : "not touched (switched off)"}
        {p.eureka ? " · Eureka instances OUT_OF_SERVICE around batches" : ""}
        {" · "}
        {p.waitAfterUpdateSec} s wait after update · agent confirm within {p.confirmTimeoutSec} s
      </p>
      <TaskLive
        initial={task}
        canCancel={!!actor && can(actor.role, "task.cancel")}
        canRecover={!!actor && can(actor.role, "task.returnToPool") && can(actor.role, "task.retry")}
        canContinue={!!actor && can(actor.role, "task.continue")}
      />
    </>
  );
}

// The task is looked up before the loading state streams, so an unknown id answers 404.
export default withLoading(TaskPage, async ({ params }) => findTask((await params).id));
