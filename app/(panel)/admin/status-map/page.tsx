import { redirect } from "next/navigation";
import { UnknownStatuses } from "@/components/inventory/unknown-statuses";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { Card, EmptyState, PageHeader, NotAllowed } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { param, type SearchParams } from "@/lib/search-params";
import { can, permissions } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { AdminTabs } from "../admin-tabs";
import { DeleteMappingButton, StatusMappingForm } from "./status-map-forms";

export const metadata = { title: "Status map" };

export default async function StatusMapPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await currentActor();
  if (!actor) redirect("/login");
  if (!can(actor.role, "statusMap.manage"))
    return (
      <>
        <PageHeader title="Administration" />
        <NotAllowed needs={permissions["statusMap.manage"]} role={actor.role} />
      </>
    );
  const params = await searchParams;
  const caller = await api();
  const [map, unknown] = await Promise.all([caller.statusMap.list(), caller.statusMap.unknown()]);
  return (
    <>
      <PageHeader title="Administration" />
      <AdminTabs current="status-map" />
      <p className="mb-4 max-w-3xl text-sm text-slate-600" data-testid="status-map-help">
        The status map turns what an agent reports for an application (&ldquo;running&rdquo;, &ldquo;inactive&rdquo;,
        &ldquo;Exited (1) 2 minutes ago&rdquo;) into AC&apos;s own status (online, offline, starting, stopping,
        unknown), which the pages and alert rules use. Your entries take precedence over the defaults; a status of
        several words (&ldquo;Exited (1) 2 minutes ago&rdquo;) is looked up whole first, then by its first word. A
        change applies at the next poll, without events or version history.
      </p>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[1fr_340px]">
        <div className="min-w-0 space-y-6">
          <Card title="Your entries">
            {map.entries.length === 0 ? (
              <EmptyState title="No entries yet">Only the defaults apply.</EmptyState>
            ) : (
              <DataTable label="Status map entries">
                <thead className={theadClass}>
                  <tr>
                    <Th>App type</Th>
                    <Th>Agent status</Th>
                    <Th>AC status</Th>
                    <Th>
                      <span className="sr-only">Actions</span>
                    </Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {map.entries.map((entry) => (
                    <tr key={entry.id} data-testid="status-mapping">
                      <td className={tdClass}>{entry.appType}</td>
                      <td className={`${tdClass} font-mono`}>{entry.rawStatus}</td>
                      <td className={tdClass}>
                        <StatusBadge status={entry.status} />
                      </td>
                      <td className={`${tdClass} text-right`}>
                        <DeleteMappingButton id={entry.id} label={`${entry.appType} ${entry.rawStatus}`} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </DataTable>
            )}
          </Card>
          <Card title="Statuses read as unknown">
            <UnknownStatuses items={unknown.items} more={unknown.more} canMap />
          </Card>
          <Card title="Defaults (every app type)">
            <ul className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-3" data-testid="default-status-map">
              {map.defaults.map((entry) => (
                <li key={entry.rawStatus} className="flex items-center justify-between gap-2">
                  <span className="font-mono">{entry.rawStatus}</span>
                  <StatusBadge status={entry.status} />
                </li>
              ))}
            </ul>
          </Card>
        </div>
        <StatusMappingForm
          key={`${param(params, "appType")}:${param(params, "raw")}`}
          appType={param(params, "appType")}
          rawStatus={param(params, "raw")}
        />
      </div>
    </>
  );
}
