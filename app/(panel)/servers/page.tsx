import Link from "next/link";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { InstanceCounts } from "@/components/inventory/instance-counts";
import { DataTable, SortHeader, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { Pagination } from "@/components/ui/pagination";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState, PageHeader } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { choice } from "@/lib/list-params";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { ServerStatus } from "@/server/generated/prisma/enums";
import { serverSorts } from "@/server/inventory/queries/server-list";
import { api } from "@/server/trpc/server-caller";
import { PollNowButton } from "./poll-now-button";
import { DeleteServerButton, ServerForm } from "./server-forms";
import { withLoading } from "@/components/ui/page-loading";

export const metadata = { title: "Servers" };

const statuses = Object.values(ServerStatus);

async function ServersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const [params, actor] = await Promise.all([searchParams, currentActor()]);
  const filters = { q: param(params, "q")?.slice(0, 100), status: choice(params, "status", statuses) };
  const sort = choice(params, "sort", serverSorts) ?? "name";
  const dir = choice(params, "dir", ["asc", "desc"] as const) ?? "asc";
  const list = await (await api()).servers.list({ ...filters, sort, dir, page: pageParam(params), pageSize: 50 });
  const admin = !!actor && can(actor.role, "servers.manage");
  const filtered = !!(filters.q || filters.status);
  const header = { basePath: "/servers", params: filters, sort, dir };

  return (
    <>
      <PageHeader title="Servers">
        <AutoRefresh kinds={["inventory"]} />
        {actor && can(actor.role, "poll.now") ? <PollNowButton label="Poll all servers now" /> : null}
      </PageHeader>
      <FilterForm action="/servers" label="Filter servers" keep={{ sort, dir }} filtered={filtered}>
        <TextFilter label="Name or IP" name="q" value={filters.q} placeholder="web-01 or 10.0." className="w-56" />
        <SelectFilter label="Status" name="status" value={filters.status} options={statuses} className="w-36" />
      </FilterForm>
      <div className={admin ? "grid grid-cols-1 gap-6 lg:grid-cols-[1fr_320px]" : undefined}>
        <div className="min-w-0">
          {list.items.length === 0 ? (
            <EmptyState title={filtered ? "No servers match" : "No servers yet"}>
              {filtered
                ? "Try another search or status."
                : admin
                  ? "Add the first server with the form."
                  : "An admin adds the servers AC polls."}
            </EmptyState>
          ) : (
            <DataTable label="Servers">
              <thead className={theadClass}>
                <tr>
                  <SortHeader label="Name" column="name" {...header} />
                  <SortHeader label="Address" column="address" {...header} />
                  <SortHeader label="Status" column="status" {...header} />
                  <SortHeader label="Last check" column="lastCheck" defaultDir="desc" {...header} />
                  <Th>Instances</Th>
                  <Th>Last error</Th>
                  {admin ? (
                    <Th>
                      <span className="sr-only">Actions</span>
                    </Th>
                  ) : null}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.items.map((server) => (
                  <tr key={server.id} data-testid="server-row">
                    <td className={`${tdClass} whitespace-nowrap font-medium`}>
                      <Link href={`/servers/${server.id}`} className="text-sky-800 hover:underline">
                        {server.name}
                      </Link>
                    </td>
                    <td className={`${tdClass} whitespace-nowrap font-mono text-xs`}>
                      {server.ip}:{server.port}
                    </td>
                    <td className={tdClass}>
                      <StatusBadge status={server.status} />
                    </td>
                    <td className={`${tdClass} whitespace-nowrap`}>
                      <RelativeTime date={server.lastCheck} />
                    </td>
                    <td className={`${tdClass} min-w-60`}>
                      <InstanceCounts counts={server.instanceCounts} total={server.instanceTotal} />
                    </td>
                    <td className={`${tdClass} max-w-xs truncate text-red-700`} title={server.lastError ?? undefined}>
                      {server.lastError ?? <span className="text-slate-400">—</span>}
                    </td>
                    {admin ? (
                      <td className={`${tdClass} whitespace-nowrap text-right`}>
                        <Link
                          href={`/servers/${server.id}#edit-server`}
                          className="mr-2 text-sm text-sky-800 underline"
                        >
                          Edit<span className="sr-only"> {server.name}</span>
                        </Link>
                        <DeleteServerButton server={{ id: server.id, name: server.name }} />
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
          <Pagination
            basePath="/servers"
            params={{ ...filters, sort, dir }}
            page={list.page}
            pageCount={list.pageCount}
            total={list.total}
          />
        </div>
        {admin ? <ServerForm /> : null}
      </div>
    </>
  );
}

// Detail pages live below this segment, so its loading state is here, not in a loading.tsx.
export default withLoading(ServersPage);
