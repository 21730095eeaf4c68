// The update part of an instance page: the update dialog for this one instance (operators) and
// the tasks that included it. Self-contained: the page passes the instance id only.
import Link from "next/link";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { TaskTable } from "./task-table";
import { updateDefaults } from "./update-defaults";
import { UpdateDialog } from "./update-dialog";

export async function InstanceUpdates({ instanceId }: { instanceId: number }) {
  const actor = await currentActor();
  const caller = await api();
  const [instance, recent] = await Promise.all([
    caller.applications.get({ id: instanceId }),
    caller.tasks.list({ instanceId, pageSize: 5 }),
  ]);
  const group = instance.group ? await caller.groups.get({ id: instance.group.id }) : null;
  return (
    <section className="mt-8 space-y-3" aria-labelledby="instance-updates-heading" data-testid="instance-updates">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="instance-updates-heading" className="text-lg font-semibold text-slate-900">
          Updates
        </h2>
        {actor && can(actor.role, "task.start") ? (
          <UpdateDialog
            title={`Update ${instance.instanceName}`}
            groupId={group?.id ?? null}
            instanceIds={[instanceId]}
            defaults={updateDefaults(group)}
          />
        ) : null}
      </div>
      <TaskTable tasks={recent.items} empty="No update task has included this instance yet" />
      {recent.total > recent.items.length ? (
        <Link className="text-sm text-sky-800 underline" href={`/tasks?instanceId=${instanceId}`}>
          All {recent.total} tasks with this instance
        </Link>
      ) : null}
    </section>
  );
}
