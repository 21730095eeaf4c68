import { redirect } from "next/navigation";
import { UnknownStatuses } from "@/components/inventory/unknown-statuses";
import { Card, EmptyState, PageHeader } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { param, type SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/roles";
import { sessionActor } from "@/server/auth/session";
import { api } from "@/server/trpc/server-caller";
import { AdminTabs } from "../admin-tabs";
import { DeleteMappingButton, StatusMappingForm } from "./status-map-forms";

export const metadata = { title: "Status map" };

const th = "px-3 py-2";
const td = "px-3 py-1.5";

export default async function StatusMapPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await sessionActor();
  if (!actor || !can(actor.role, "statusMap.manage")) redirect("/");
  const params = await searchParams;
  const caller = await api();
  const [map, unknown] = await Promise.all([caller.statusMap.list(), caller.statusMap.unknown()]);
  return (
    <>
      <PageHeader title="Administration" />
      <AdminTabs current="status-map" />
      <p className="mb-4 max-w-3xl text-sm text-slate-600">
        How an agent&apos;s status becomes AC&apos;s. Your entries take precedence over the defaults; a status of several words
        (&ldquo;Exited (1) 2 minutes ago&rdquo;) is looked up whole first, then by its first word. A change applies at the next
        poll, without events or version history.
      </p>
      <div className="grid gap-6 lg:grid-cols-[1fr_340px]">
        <div className="space-y-6">
          <Card title="Your entries">
            {map.entries.length === 0 ? (
              <EmptyState title="No entries yet">Only the defaults apply.</EmptyState>
            ) : (
              <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="status-mappings">
                <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                  <tr>
                    <th className={th}>App type</th>
                    <th className={th}>Agent status</th>
                    <th className={th}>AC status</th>
                    <th className={th} />
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {map.entries.map((entry) => (
                    <tr key={entry.id} data-testid="status-mapping">
                      <td className={td}>{entry.appType}</td>
                      <td className={`${td} font-mono`}>{entry.rawStatus}</td>
                      <td className={td}>
                        <StatusBadge status={entry.status} />
                      </td>
                      <td className={`${td} text-right`}>
                        <DeleteMappingButton id={entry.id} label={`${entry.appType} ${entry.rawStatus}`} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
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
        <StatusMappingForm key={`${param(params, "appType")}:${param(params, "raw")}`} appType={param(params, "appType")} rawStatus={param(params, "raw")} />
      </div>
    </>
  );
}
