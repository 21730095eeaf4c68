import Form from "next/form";
import Link from "next/link";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { TaskTable } from "@/components/tasks/task-table";
import { Button, Input, Select } from "@/components/ui/controls";
import { Pagination } from "@/components/ui/pagination";
import { ErrorNote, PageHeader } from "@/components/ui/states";
import { choice, idFilter, utcDateParam } from "@/lib/list-params";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { TaskStatus } from "@/server/generated/prisma/enums";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "Tasks" };

const statuses = Object.values(TaskStatus);
const label = "mb-1 block font-medium text-slate-700";

export default async function TasksPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const filters = {
    status: choice(params, "status", statuses),
    groupId: idFilter(params, "groupId"),
    instanceId: idFilter(params, "instanceId"),
    createdBy: param(params, "createdBy"),
    from: utcDateParam(params, "from"),
    to: utcDateParam(params, "to"),
  };
  const urlFilters = { ...filters, groupId: filters.groupId?.toString(), instanceId: filters.instanceId?.toString(), from: param(params, "from"), to: param(params, "to") };
  const reversed = !!(filters.from && filters.to && filters.from > filters.to);
  const caller = await api();
  const [tasks, groups] = await Promise.all([
    caller.tasks.list({ ...filters, to: reversed ? undefined : filters.to, page: pageParam(params), pageSize: 50 }),
    caller.tasks.groupOptions(),
  ]);
  const filtered = Object.values(filters).some((v) => v !== undefined);

  return (
    <>
      <PageHeader title="Update tasks">
        <AutoRefresh />
      </PageHeader>
      <Form action="/tasks" className="mb-4 flex flex-wrap items-end gap-2" role="search" aria-label="Filter tasks">
        {filters.instanceId ? <input type="hidden" name="instanceId" value={filters.instanceId} /> : null}
        <label className="text-sm">
          <span className={label}>Status</span>
          <Select name="status" defaultValue={filters.status ?? ""} className="w-36">
            <option value="">any</option>
            {statuses.map((s) => <option key={s}>{s}</option>)}
          </Select>
        </label>
        <label className="text-sm">
          <span className={label}>Group</span>
          <Select name="groupId" defaultValue={filters.groupId ?? ""} className="w-44">
            <option value="">any</option>
            {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
          </Select>
        </label>
        <label className="text-sm">
          <span className={label}>Started by</span>
          <Input name="createdBy" defaultValue={filters.createdBy} placeholder="login or token:name" className="w-44" />
        </label>
        <label className="text-sm">
          <span className={label}>From (UTC)</span>
          <Input type="datetime-local" name="from" defaultValue={urlFilters.from} className="w-52" />
        </label>
        <label className="text-sm">
          <span className={label}>To (UTC)</span>
          <Input type="datetime-local" name="to" defaultValue={urlFilters.to} className="w-52" />
        </label>
        <Button type="submit" variant="secondary">Apply</Button>
        {filtered ? <Link href="/tasks" className="px-2 py-1.5 text-sm text-sky-800 underline">Clear filters</Link> : null}
      </Form>
      {filters.instanceId ? <p className="-mt-2 mb-4 text-sm text-slate-600">Tasks that include instance #{filters.instanceId}.</p> : null}
      {reversed ? <ErrorNote>&ldquo;To&rdquo; is before &ldquo;From&rdquo;; showing everything from the start time on.</ErrorNote> : null}
      <div className={reversed ? "mt-3" : undefined}>
        <TaskTable tasks={tasks.items} empty={filtered ? "No tasks match these filters" : "No update tasks yet: start one from a group or an instance page"} />
      </div>
      <Pagination basePath="/tasks" params={urlFilters} page={tasks.page} pageCount={tasks.pageCount} total={tasks.total} />
    </>
  );
}
