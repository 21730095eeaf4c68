import { TRPCError } from "@trpc/server";
import Form from "next/form";
import Link from "next/link";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { CursorPagination } from "@/components/inventory/cursor-pagination";
import { ServerFilterField } from "@/components/inventory/server-filter";
import { DataTable, SortHeader, Th, tdClass, theadClass } from "@/components/inventory/table";
import { Button, Input, Select } from "@/components/ui/controls";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState, ErrorNote, PageHeader } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { hrefWith } from "@/lib/href";
import { choice, idFilter } from "@/lib/list-params";
import { param, type SearchParams } from "@/lib/search-params";
import { readServerFilter } from "@/lib/server-filter";
import { AppType, InstanceStatus } from "@/server/generated/prisma/enums";
import { instanceSorts } from "@/server/inventory/queries/instance-list";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "Applications" };

const appTypes = Object.values(AppType);
const statuses = Object.values(InstanceStatus);
const label = "mb-1 block font-medium text-slate-700";

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

export default async function ApplicationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const caller = await api();
  const servers = await caller.servers.options();
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
    server.unknown ? { page: { items: [], total: 0, nextCursor: null, prevCursor: null }, stale: false } : loadPage({ ...filters, sort, dir, cursor, limit: 50 }),
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
        <AutoRefresh />
      </PageHeader>
      <Form action="/applications" className="mb-4 flex flex-wrap items-end gap-2" role="search" aria-label="Filter applications">
        <input type="hidden" name="sort" value={sort} />
        <input type="hidden" name="dir" value={dir} />
        {filters.groupId ? <input type="hidden" name="groupId" value={filters.groupId} /> : null}
        {filters.catalogId ? <input type="hidden" name="catalogId" value={filters.catalogId} /> : null}
        <label className="text-sm">
          <span className={label}>Search</span>
          <Input name="q" defaultValue={filters.q} placeholder="Name, image or version" className="w-56" />
        </label>
        <ServerFilterField servers={servers} filter={server} />
        <label className="text-sm">
          <span className={label}>Type</span>
          <Select name="appType" defaultValue={filters.appType ?? ""} className="w-32">
            <option value="">any</option>
            {appTypes.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </Select>
        </label>
        <label className="text-sm">
          <span className={label}>Status</span>
          <Select name="status" defaultValue={filters.status ?? ""} className="w-32">
            <option value="">any</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s.replace("_", " ")}
              </option>
            ))}
          </Select>
        </label>
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {filtered ? (
          <Link href={hrefWith("/applications", { sort, dir })} className="px-2 py-1.5 text-sm text-sky-800 underline">
            Clear filters
          </Link>
        ) : null}
      </Form>
      {filters.groupId || filters.catalogId ? (
        <p className="-mt-2 mb-4 flex flex-wrap gap-2 text-sm">
          {filters.groupId ? (
            <span className="rounded-full bg-sky-50 px-3 py-1 text-sky-900">
              Group <Link className="font-medium underline" href={`/groups/${filters.groupId}`}>{groupName}</Link>{" "}
              <Link href={hrefWith("/applications", { ...linkFilters, groupId: undefined, sort, dir })} aria-label="Remove the group filter" className="ml-1 font-bold">
                ×
              </Link>
            </span>
          ) : null}
          {filters.catalogId ? (
            <span className="rounded-full bg-sky-50 px-3 py-1 text-sky-900">
              Catalog {catalog?.name ?? `#${filters.catalogId}`}{" "}
              <Link href={hrefWith("/applications", { ...linkFilters, catalogId: undefined, sort, dir })} aria-label="Remove the catalog filter" className="ml-1 font-bold">
                ×
              </Link>
            </span>
          ) : null}
        </p>
      ) : null}
      {stale ? <ErrorNote>That page link was made for another sort order; this is the first page.</ErrorNote> : null}

      {page.items.length === 0 ? (
        <EmptyState title={server.unknown ? `No server is named “${server.name}”` : filtered ? "No applications match" : cursor ? "No more applications" : "No applications yet"}>
          {filtered ? "Try other filters." : cursor ? <Link className="underline" href={hrefWith("/applications", { sort, dir })}>Back to the first page</Link> : "Applications appear once their servers are polled."}
        </EmptyState>
      ) : (
        <DataTable label="Applications">
          <thead className={theadClass}>
            <tr>
              <SortHeader label="Instance" column="name" {...header} />
              <SortHeader label="Server" column="server" {...header} />
              <Th>Type</Th>
              <SortHeader label="Status" column="status" {...header} />
              <SortHeader label="Version" column="version" {...header} />
              <Th>Image / path</Th>
              <SortHeader label="Last seen" column="lastSeen" defaultDir="desc" {...header} />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.items.map((instance) => (
              <tr key={instance.id} data-testid="instance-row">
                <td className={`${tdClass} font-medium`}>
                  <Link href={`/applications/${instance.id}`} className="text-sky-800 hover:underline">
                    {instance.instanceName}
                  </Link>
                  {instance.group ? (
                    <Link href={`/groups/${instance.group.id}`} className="block text-xs font-normal text-slate-500 hover:underline">
                      group {instance.group.name}
                    </Link>
                  ) : null}
                </td>
                <td className={tdClass}>
                  <Link href={`/servers/${instance.server.id}`} className="text-sky-800 hover:underline">
                    {instance.server.name}
                  </Link>
                </td>
                <td className={tdClass}>{instance.appType}</td>
                <td className={tdClass}>
                  <StatusBadge status={instance.status} />
                </td>
                <td className={`${tdClass} font-mono text-xs`} data-testid="instance-version">
                  {instance.currentVersion ?? "—"}
                </td>
                <td className={`${tdClass} min-w-56 max-w-xs break-all font-mono text-xs text-slate-600`}>{instance.image ?? instance.path ?? "—"}</td>
                <td className={`${tdClass} whitespace-nowrap`}>
                  <RelativeTime date={instance.lastSeen} />
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      <CursorPagination
        basePath="/applications"
        params={{ ...linkFilters, sort, dir }}
        total={page.total}
        shown={page.items.length}
        prevCursor={page.prevCursor}
        nextCursor={page.nextCursor}
        atStart={!cursor || stale}
      />
    </>
  );
}
