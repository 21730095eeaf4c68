import Form from "next/form";
import Link from "next/link";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { DriftBadge } from "@/components/inventory/drift-badge";
import { DataTable, Th, tdClass, theadClass } from "@/components/inventory/table";
import { Button, Input } from "@/components/ui/controls";
import { Pagination } from "@/components/ui/pagination";
import { EmptyState, PageHeader } from "@/components/ui/states";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "Groups" };

export default async function GroupsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const q = param(params, "q")?.slice(0, 100);
  const drift = param(params, "drift") === "1";
  const list = await (await api()).groups.list({ q, drift, page: pageParam(params), pageSize: 50 });
  const filtered = !!q || drift;

  return (
    <>
      <PageHeader title="Groups">
        <AutoRefresh />
      </PageHeader>
      <Form action="/groups" className="mb-4 flex flex-wrap items-end gap-3" role="search" aria-label="Filter groups">
        <label className="text-sm">
          <span className="mb-1 block font-medium text-slate-700">Group name</span>
          <Input name="q" defaultValue={q} placeholder="jurws" className="w-56" />
        </label>
        <label className="flex items-center gap-2 pb-1.5 text-sm">
          <input type="checkbox" name="drift" value="1" defaultChecked={drift} /> Only groups with version drift
        </label>
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {filtered ? (
          <Link href="/groups" className="px-2 py-1.5 text-sm text-sky-800 underline">
            Clear filters
          </Link>
        ) : null}
      </Form>
      {list.items.length === 0 ? (
        <EmptyState title={filtered ? "No groups match" : "No groups yet"}>
          {filtered ? "Try another name, or show every group." : "Groups are created as polling finds applications."}
        </EmptyState>
      ) : (
        <DataTable label="Groups">
          <thead className={theadClass}>
            <tr>
              <Th>Group</Th>
              <Th>Catalog</Th>
              <Th>Instances</Th>
              <Th>Versions</Th>
              <Th>Description</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.items.map((group) => (
              <tr key={group.id} data-testid="group-row" data-drift={group.drift || undefined}>
                <td className={`${tdClass} font-medium`}>
                  <Link href={`/groups/${group.id}`} className="text-sky-800 hover:underline">
                    {group.name}
                  </Link>
                </td>
                <td className={tdClass}>
                  {group.catalog ? (
                    <span>
                      {group.catalog.name} <span className="text-xs text-slate-500">({group.catalog.appType})</span>
                    </span>
                  ) : (
                    "—"
                  )}
                </td>
                <td className={`${tdClass} tabular-nums`}>
                  {group.instances} <span className="text-xs text-slate-500">({group.online} online)</span>
                </td>
                <td className={`${tdClass} whitespace-nowrap`}>
                  {group.drift ? <DriftBadge versions={group.versions} /> : group.versions === 1 ? "one version" : <span className="text-slate-400">no version reported</span>}
                </td>
                <td className={`${tdClass} max-w-sm text-slate-600`}>{group.description ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      <Pagination basePath="/groups" params={{ q, drift: drift ? "1" : undefined }} page={list.page} pageCount={list.pageCount} total={list.total} />
    </>
  );
}
