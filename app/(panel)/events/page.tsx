import Form from "next/form";
import Link from "next/link";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { EventList } from "@/components/inventory/event-list";
import { ServerFilterField } from "@/components/inventory/server-filter";
import { Button, Input, Select } from "@/components/ui/controls";
import { Pagination } from "@/components/ui/pagination";
import { ErrorNote, PageHeader } from "@/components/ui/states";
import { hrefWith } from "@/lib/href";
import { choice, idFilter, utcDateParam } from "@/lib/list-params";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { readServerFilter } from "@/lib/server-filter";
import { EventType } from "@/server/generated/prisma/enums";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "Events" };

const types = Object.values(EventType);
const label = "mb-1 block font-medium text-slate-700";

export default async function EventsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const caller = await api();
  const servers = await caller.servers.options();
  const server = readServerFilter(params, servers);
  const filters = {
    type: choice(params, "type", types),
    serverId: server.serverId,
    instanceId: idFilter(params, "instanceId"),
    from: utcDateParam(params, "from"),
    to: utcDateParam(params, "to"),
  };
  // The URL keeps the inputs' own text so the form shows what was typed (and a server name no server has).
  const urlFilters = { ...filters, from: param(params, "from"), to: param(params, "to"), server: server.unknown ? server.name : undefined };
  const reversed = !!(filters.from && filters.to && filters.from > filters.to);
  const events = server.unknown
    ? { items: [], total: 0, page: 1, pageCount: 1 }
    : await caller.events.list({ ...filters, to: reversed ? undefined : filters.to, page: pageParam(params), pageSize: 50 });
  const filtered = Object.values(urlFilters).some((v) => v !== undefined);
  const instanceName = events.items.find((e) => e.instance?.id === filters.instanceId)?.instance?.instanceName ?? `#${filters.instanceId}`;

  return (
    <>
      <PageHeader title="Events">
        <AutoRefresh />
      </PageHeader>
      <Form action="/events" className="mb-4 flex flex-wrap items-end gap-2" role="search" aria-label="Filter events">
        {filters.instanceId ? <input type="hidden" name="instanceId" value={filters.instanceId} /> : null}
        <label className="text-sm">
          <span className={label}>Type</span>
          <Select name="type" defaultValue={filters.type ?? ""} className="w-36">
            <option value="">any</option>
            {types.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </Select>
        </label>
        <ServerFilterField servers={servers} filter={server} />
        <label className="text-sm">
          <span className={label}>From (UTC)</span>
          <Input type="datetime-local" name="from" defaultValue={urlFilters.from} className="w-52" />
        </label>
        <label className="text-sm">
          <span className={label}>To (UTC)</span>
          <Input type="datetime-local" name="to" defaultValue={urlFilters.to} className="w-52" />
        </label>
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {filtered ? (
          <Link href="/events" className="px-2 py-1.5 text-sm text-sky-800 underline">
            Clear filters
          </Link>
        ) : null}
      </Form>
      {filters.instanceId ? (
        <p className="-mt-2 mb-4 text-sm">
          <span className="rounded-full bg-sky-50 px-3 py-1 text-sky-900">
            Instance <Link className="font-medium underline" href={`/applications/${filters.instanceId}`}>{instanceName}</Link>{" "}
            <Link href={hrefWith("/events", { ...urlFilters, instanceId: undefined })} aria-label="Remove the instance filter" className="ml-1 font-bold">
              ×
            </Link>
          </span>
        </p>
      ) : null}
      {reversed ? <ErrorNote>&ldquo;To&rdquo; is before &ldquo;From&rdquo;; showing everything from the start time on.</ErrorNote> : null}
      <div className={reversed ? "mt-3" : undefined}>
        <EventList events={events.items} empty={server.unknown ? `No server is named “${server.name}”` : filtered ? "No events match these filters" : "No events yet"} />
      </div>
      <Pagination basePath="/events" params={{ ...urlFilters, serverId: filters.serverId?.toString(), instanceId: filters.instanceId?.toString() }} page={events.page} pageCount={events.pageCount} total={events.total} />
    </>
  );
}
