import Link from "next/link";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { DriftBadge } from "@/components/inventory/drift-badge";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { CheckboxFilter, FilterForm, TextFilter } from "@/components/ui/filter-form";
import { Pagination } from "@/components/ui/pagination";
import { EmptyState, PageHeader } from "@/components/ui/states";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { api } from "@/server/trpc/server-caller";
import { withLoading } from "@/components/ui/page-loading";

export const metadata = { title: "Groups" };

async function GroupsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const q = param(params, "q")?.slice(0, 100);
  const drift = param(params, "drift") === "1";
  const list = await (await api()).groups.list({ q, drift, page: pageParam(params), pageSize: 50 });
  const filtered = !!q || drift;

  return (
    <>
      <PageHeader title="Groups">
        <AutoRefresh kinds={["inventory"]} />
      </PageHeader>
      <p className="-mt-3 mb-4 max-w-3xl text-sm text-slate-600" data-testid="groups-help">
        A group is every instance with the same base name (payments_1 and payments_2 are group payments). It has{" "}
        <strong>version drift</strong> when its instances run more than one version, as when an update reached only some
        of them.
      </p>
      <FilterForm action="/groups" label="Filter groups" filtered={filtered}>
        <TextFilter label="Group name" name="q" value={q} placeholder="jurws" className="w-56" />
        <CheckboxFilter label="Only groups with version drift" name="drift" checked={drift} />
      </FilterForm>
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
                  {group.drift ? (
                    <DriftBadge versions={group.versions} />
                  ) : group.versions === 1 ? (
                    "one version"
                  ) : (
                    <span className="text-slate-400">no version reported</span>
                  )}
                </td>
                <td className={`${tdClass} max-w-sm text-slate-600`}>{group.description ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      <Pagination
        basePath="/groups"
        params={{ q, drift: drift ? "1" : undefined }}
        page={list.page}
        pageCount={list.pageCount}
        total={list.total}
      />
    </>
  );
}

// Detail pages live below this segment, so its loading state is here, not in a loading.tsx.
export default withLoading(GroupsPage);
