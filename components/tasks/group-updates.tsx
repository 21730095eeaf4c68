// The update part of a group page: available versions, the update dialog (operators), and the
// group's recent tasks. Self-contained: the page passes the group id only.
import Link from "next/link";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { TaskTable } from "./task-table";
import { updateDefaults } from "./update-defaults";
import { UpdateDialog } from "./update-dialog";
import { VersionsPanel } from "./versions-panel";

export async function GroupUpdates({ groupId }: { groupId: number }) {
  const actor = await currentActor();
  const operator = !!actor && can(actor.role, "task.start");
  const caller = await api();
  const [group, recent] = await Promise.all([
    caller.groups.get({ id: groupId }),
    caller.tasks.list({ groupId, pageSize: 5 }),
  ]);
  return (
    <section className="space-y-3" aria-labelledby="updates-heading" data-testid="group-updates">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="updates-heading" className="text-lg font-semibold text-slate-900">
          Updates
        </h2>
        {operator ? (
          <UpdateDialog title={`Update group ${group.name}`} groupId={groupId} defaults={updateDefaults(group)} />
        ) : (
          <p className="text-sm text-slate-600" data-testid="viewer-note">
            Operators can update this group here.
          </p>
        )}
      </div>
      <div className="grid gap-4 lg:grid-cols-[340px_1fr]">
        <VersionsPanel groupId={groupId} canRefresh={operator} />
        <div className="min-w-0 space-y-2">
          <TaskTable tasks={recent.items} empty="No update tasks for this group yet" />
          {recent.total > recent.items.length ? (
            <Link className="text-sm text-sky-800 underline" href={`/tasks?groupId=${groupId}`}>
              All {recent.total} tasks of this group
            </Link>
          ) : null}
        </div>
      </div>
    </section>
  );
}
