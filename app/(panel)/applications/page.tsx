import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { InstanceRows } from "@/components/inventory/instance-rows";
import { ServerFilterField } from "@/components/inventory/server-filter";
import { CursorPagination } from "@/components/ui/cursor-pagination";
import { DataTable } from "@/components/ui/data-table";
import { FilterChip, FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { InstanceHead, type InstanceColumn } from "@/components/ui/instance-row";
import { EmptyState, ErrorNote, PageHeader } from "@/components/ui/states";
import { hrefWith } from "@/lib/href";
import { choice, idFilter } from "@/lib/list-params";
import { param, type SearchParams } from "@/lib/search-params";
import { readServerFilter } from "@/lib/server-filter";
import { AppType, InstanceStatus } from "@/server/generated/prisma/enums";
import { instanceSorts, type InstanceSort } from "@/server/inventory/queries/instance-list";
import { api } from "@/server/trpc/server-caller";
import { withLoading } from "@/components/ui/page-loading";

export const metadata = { title: "Applications" };

const appTypes = Object.values(AppType);
const statuses = Object.values(InstanceStatus);
const columns: InstanceColumn[] = ["instance", "server", "type", "status", "version", "location", "lastSeen"];
const sortable = {
  instance: "name",
  server: "server",
  status: "status",
  version: "version",
  lastSeen: "lastSeen",
} satisfies Partial<Record<InstanceColumn, InstanceSort>>;

async function loadPage(input: Parameters<Awaited<ReturnType<typeof api>>["applications"]["list"]>[0]) {
  const caller = await api();
  try {
    return { page: await caller.applications.list(input), stale: false };
  } catch (error) {
    // An old link's cursor (the sort changed since): show the first page and say so.
    if (error instanceof TRPCError && error.code === "BAD_REQUEST" && input.cursor) {
      return { page: await caller.applications.list({ ...input, cursor: undefined }), stale: true };
    }
    throw error;
  }
}

async function ApplicationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const caller = await api();
  // A large fleet's options are bounded: the server the filter names comes with them (server-list.ts).
  const servers = await caller.servers.options({
    name: param(params, "server")?.slice(0, 100),
    id: idFilter(params, "serverId"),
  });
  const server = readServerFilter(params, servers);
  const filters = {
    q: param(params, "q")?.slice(0, 100),
    serverId: server.serverId,
    groupId: idFilter(params, "groupId"),
    catalogId: idFilter(params, "catalogId"),
    appType: choice(params, "appType", appTypes),
    status: choice(params, "status", statuses),
  };
  const sort = choice(params, "sort", instanceSorts) ?? "name";
  const dir = choice(params, "dir", ["asc", "desc"] as const) ?? "asc";
  const cursor = param(params, "cursor");
  const [{ page, stale }, catalog] = await Promise.all([
    server.unknown
      ? { page: { items: [], total: 0, totalCapped: false, nextCursor: null, prevCursor: null }, stale: false }
      : loadPage({ ...filters, sort, dir, cursor, limit: 50 }),
    filters.catalogId ? caller.catalog.get({ id: filters.catalogId }).catch(() => null) : null,
  ]);
  // A server name no server has stays in the links, so the empty list keeps saying why.
  const linkFilters = { ...filters, server: server.unknown ? server.name : undefined };
  const filtered = Object.values(linkFilters).some((v) => v !== undefined);
  const header = { basePath: "/applications", params: linkFilters, sort, dir };
  const groupName = page.items.find((i) => i.group?.id === filters.groupId)?.group?.name ?? `#${filters.groupId}`;

  return (
    <>
      <PageHeader title="Applications">
        <AutoRefresh kinds={["inventory"]} />
      </PageHeader>
      <FilterForm
        action="/applications"
        label="Filter applications"
        keep={{ sort, dir, groupId: filters.groupId, catalogId: filters.catalogId }}
        filtered={filtered}
        clearHref={hrefWith("/applications", { sort, dir })}
      >
        <TextFilter label="Search" name="q" value={filters.q} placeholder="Name, image or version" className="w-56" />
        <ServerFilterField servers={servers} filter={server} />
        <SelectFilter label="Type" name="appType" value={filters.appType} options={appTypes} className="w-32" />
        <SelectFilter
          label="Status"
          name="status"
          value={filters.status}
          options={statuses.map((s) => ({ value: s, label: s.replace("_", " ") }))}
          className="w-32"
        />
      </FilterForm>
      {filters.groupId || filters.catalogId ? (
        <p className="-mt-2 mb-4 flex flex-wrap gap-2 text-sm">
          {filters.groupId ? (
            <FilterChip
              removeHref={hrefWith("/applications", { ...linkFilters, groupId: undefined, sort, dir })}
              removeLabel="Remove the group filter"
            >
              Group{" "}
              <Link className="font-medium underline" href={`/groups/${filters.groupId}`}>
                {groupName}
              </Link>
            </FilterChip>
          ) : null}
          {filters.catalogId ? (
            <FilterChip
              removeHref={hrefWith("/applications", { ...linkFilters, catalogId: undefined, sort, dir })}
              removeLabel="Remove the catalog filter"
            >
              Catalog {catalog?.name ?? `#${filters.catalogId}`}
            </FilterChip>
          ) : null}
        </p>
      ) : null}
      {stale ? <ErrorNote>That page link was made for another sort order; this is the first page.</ErrorNote> : null}

      {page.items.length === 0 ? (
        <EmptyState
          title={
            server.unknown
              ? `No server is named “${server.name}”`
              : filtered
                ? "No applications match"
                : cursor
                  ? "No more applications"
                  : "No applications yet"
          }
        >
          {filtered ? (
            "Try other filters."
          ) : cursor ? (
            <Link className="underline" href={hrefWith("/applications", { sort, dir })}>
              Back to the first page
            </Link>
          ) : (
            "Applications appear once their servers are polled."
          )}
        </EmptyState>
      ) : (
        <DataTable label="Applications">
          <InstanceHead columns={columns} sorting={{ header, columns: sortable }} />
          <InstanceRows
            columns={columns}
            rows={page.items.map((i) => ({
              id: i.id,
              instanceName: i.instanceName,
              status: i.status,
              version: i.currentVersion,
              lastSeen: i.lastSeen,
              server: { id: i.server.id, name: i.server.name },
              group: i.group,
              appType: i.appType,
              location: i.image ?? i.path,
            }))}
          />
        </DataTable>
      )}
      <CursorPagination
        basePath="/applications"
        params={{ ...linkFilters, sort, dir }}
        total={page.total}
        totalCapped={page.totalCapped}
        shown={page.items.length}
        prevCursor={page.prevCursor}
        nextCursor={page.nextCursor}
        atStart={!cursor || stale}
      />
    </>
  );
}

// Detail pages live below this segment, so its loading state is here, not in a loading.tsx.
export default withLoading(ApplicationsPage);
