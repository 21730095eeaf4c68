import Link from "next/link";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { TaskTable } from "@/components/tasks/task-table";
import { DateRangeFilter, FilterForm, ReversedRangeNote, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { Pagination } from "@/components/ui/pagination";
import { PageHeader } from "@/components/ui/states";
import { choice, idFilter, readDateRange } from "@/lib/list-params";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { TaskStatus } from "@/server/generated/prisma/enums";
import { api } from "@/server/trpc/server-caller";
import { withLoading } from "@/components/ui/page-loading";

export const metadata = { title: "Tasks" };

const statuses = Object.values(TaskStatus);

async function TasksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const range = readDateRange(params);
  const filters = {
    status: choice(params, "status", statuses),
    groupId: idFilter(params, "groupId"),
    instanceId: idFilter(params, "instanceId"),
    createdBy: param(params, "createdBy"),
    from: range.from,
    to: range.to,
  };
  const urlFilters = {
    ...filters,
    groupId: filters.groupId?.toString(),
    instanceId: filters.instanceId?.toString(),
    from: range.fromText,
    to: range.toText,
  };
  const caller = await api();
  const [tasks, groups, actor] = await Promise.all([
    caller.tasks.list({ ...filters, page: pageParam(params), pageSize: 50 }),
    caller.tasks.groupOptions(),
    currentActor(),
  ]);
  const filtered = Object.values(filters).some((v) => v !== undefined);

  return (
    <>
      <PageHeader title="Update tasks">
        <AutoRefresh kinds={["tasks"]} />
        {actor && can(actor.role, "task.start") ? (
          <Link
            href="/tasks/new"
            className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-1"
          >
            New rollout
          </Link>
        ) : (
          <span className="text-sm text-slate-500">Operators can start rollouts here.</span>
        )}
      </PageHeader>
      <FilterForm action="/tasks" label="Filter tasks" keep={{ instanceId: filters.instanceId }} filtered={filtered}>
        <SelectFilter label="Status" name="status" value={filters.status} options={statuses} className="w-36" />
        <SelectFilter
          label="Group"
          name="groupId"
          value={filters.groupId}
          options={groups.map((g) => ({ value: g.id, label: g.name }))}
          className="w-44"
        />
        <TextFilter
          label="Started by"
          name="createdBy"
          value={filters.createdBy}
          placeholder="login or token:name"
          className="w-44"
        />
        <DateRangeFilter from={urlFilters.from} to={urlFilters.to} />
      </FilterForm>
      {filters.instanceId ? (
        <p className="-mt-2 mb-4 text-sm text-slate-600">Tasks that include instance #{filters.instanceId}.</p>
      ) : null}
      <ReversedRangeNote reversed={range.reversed} />
      <div className={range.reversed ? "mt-3" : undefined}>
        <TaskTable
          tasks={tasks.items}
          empty={
            filtered
              ? "No tasks match these filters"
              : "No update tasks yet: start one from a group or an instance page"
          }
        />
      </div>
      <Pagination
        basePath="/tasks"
        params={urlFilters}
        page={tasks.page}
        pageCount={tasks.pageCount}
        total={tasks.total}
      />
    </>
  );
}

// Detail pages live below this segment, so its loading state is here, not in a loading.tsx.
export default withLoading(TasksPage);
