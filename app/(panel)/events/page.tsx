import Link from "next/link";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { EventList } from "@/components/inventory/event-list";
import { ServerFilterField } from "@/components/inventory/server-filter";
import { DateRangeFilter, FilterChip, FilterForm, ReversedRangeNote, SelectFilter } from "@/components/ui/filter-form";
import { Pagination } from "@/components/ui/pagination";
import { PageHeader } from "@/components/ui/states";
import { hrefWith } from "@/lib/href";
import { choice, idFilter, readDateRange } from "@/lib/list-params";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { readServerFilter } from "@/lib/server-filter";
import { EventType } from "@/server/generated/prisma/enums";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "Events" };

const types = Object.values(EventType);

export default async function EventsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const caller = await api();
  // A large fleet's options are bounded: the server the filter names comes with them (server-list.ts).
  const servers = await caller.servers.options({
    name: param(params, "server")?.slice(0, 100),
    id: idFilter(params, "serverId"),
  });
  const server = readServerFilter(params, servers);
  const range = readDateRange(params);
  const filters = {
    type: choice(params, "type", types),
    serverId: server.serverId,
    instanceId: idFilter(params, "instanceId"),
    from: range.from,
    to: range.to,
  };
  // The URL keeps the inputs' own text so the form shows what was typed (and a server name no server has).
  const urlFilters = {
    ...filters,
    from: range.fromText,
    to: range.toText,
    server: server.unknown ? server.name : undefined,
  };
  const events = server.unknown
    ? { items: [], total: 0, page: 1, pageCount: 1 }
    : await caller.events.list({ ...filters, page: pageParam(params), pageSize: 50 });
  const filtered = Object.values(urlFilters).some((v) => v !== undefined);
  const instanceName =
    events.items.find((e) => e.instance?.id === filters.instanceId)?.instance?.instanceName ?? `#${filters.instanceId}`;

  return (
    <>
      <PageHeader title="Events">
        <AutoRefresh kinds={["inventory"]} />
      </PageHeader>
      <FilterForm action="/events" label="Filter events" keep={{ instanceId: filters.instanceId }} filtered={filtered}>
        <SelectFilter label="Type" name="type" value={filters.type} options={types} className="w-36" />
        <ServerFilterField servers={servers} filter={server} />
        <DateRangeFilter from={urlFilters.from} to={urlFilters.to} />
      </FilterForm>
      {filters.instanceId ? (
        <p className="-mt-2 mb-4 text-sm">
          <FilterChip
            removeHref={hrefWith("/events", { ...urlFilters, instanceId: undefined })}
            removeLabel="Remove the instance filter"
          >
            Instance{" "}
            <Link className="font-medium underline" href={`/applications/${filters.instanceId}`}>
              {instanceName}
            </Link>
          </FilterChip>
        </p>
      ) : null}
      <ReversedRangeNote reversed={range.reversed} />
      <div className={range.reversed ? "mt-3" : undefined}>
        <EventList
          events={events.items}
          empty={
            server.unknown
              ? `No server is named “${server.name}”`
              : filtered
                ? "No events match these filters"
                : "No events yet"
          }
        />
      </div>
      <Pagination
        basePath="/events"
        params={{ ...urlFilters, serverId: filters.serverId?.toString(), instanceId: filters.instanceId?.toString() }}
        page={events.page}
        pageCount={events.pageCount}
        total={events.total}
      />
    </>
  );
}
