import Link from "next/link";
import { BackendAccordion } from "@/components/haproxy/backend-accordion";
import { BulkSelectionProvider } from "@/components/haproxy/bulk-selection";
import { BreakerHelp, StatusCountList } from "@/components/haproxy/badges";
import { InstancesTable } from "@/components/haproxy/instances-table";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { FilterForm, SelectFilter, TextFilter } from "@/components/ui/filter-form";
import { Pagination } from "@/components/ui/pagination";
import { RelativeTime } from "@/components/ui/relative-time";
import { Card, EmptyState, ErrorNote, PageHeader } from "@/components/ui/states";
import { choice, idFilter } from "@/lib/list-params";
import { pageParam, param, type SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { DISABLED_MESSAGE } from "@/server/haproxy/settings";
import { STATUS_FILTERS } from "@/server/haproxy/view";
import { api } from "@/server/trpc/server-caller";
import { withLoading } from "@/components/ui/page-loading";

export const metadata = { title: "HAProxy" };

async function HaproxyPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const filters = {
    instance: idFilter(params, "instance"),
    status: choice(params, "status", STATUS_FILTERS),
    q: param(params, "q")?.slice(0, 100),
  };
  const filtered = Object.values(filters).some((v) => v !== undefined);
  // A status or text filter opens the matching backends; otherwise they come collapsed and load their servers when opened.
  const expand = filters.status !== undefined || filters.q !== undefined;
  const caller = await api();
  const [summary, instances, view, actor] = await Promise.all([
    caller.haproxy.summary(),
    caller.haproxy.instances({}),
    caller.haproxy.view({
      instanceId: filters.instance,
      status: filters.status,
      q: filters.q,
      page: pageParam(params),
      withServers: expand,
    }),
    currentActor(),
  ]);
  const role = actor?.role ?? "viewer";
  const live = summary.enabled;
  const canCommand = live && can(role, "haproxy.command");
  const accordion = (
    <BackendAccordion view={view} expand={expand} canCommand={canCommand} canMap={can(role, "haproxy.map")} />
  );

  return (
    <>
      <PageHeader title="HAProxy">
        <AutoRefresh kinds={["haproxy"]} />
        <Link className="text-sm text-sky-800 underline" href="/haproxy/actions">
          Action log
        </Link>
        <Link className="text-sm text-sky-800 underline" href="/haproxy/instances">
          {can(role, "haproxy.manage") ? "Manage instances" : "Instances"}
        </Link>
      </PageHeader>
      {!live ? (
        <div className="mb-4">
          <ErrorNote>
            {DISABLED_MESSAGE}: nothing is synced and commands are refused. The data below is from the last sync.
          </ErrorNote>
        </div>
      ) : null}

      <section aria-label="Totals" className="mb-6 grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="haproxy-summary">
        <Card title="Instances">
          <p className="text-2xl font-semibold tabular-nums">{summary.instances.total}</p>
          <p className="text-xs text-slate-600">
            {summary.instances.active} active · {summary.instances.failing} failing · {summary.instances.breakerOpen}{" "}
            breaker not closed
          </p>
        </Card>
        <Card title="Backends">
          <p className="text-2xl font-semibold tabular-nums">{summary.backends}</p>
          <p className="text-xs text-slate-600">
            last sync <RelativeTime date={summary.lastSyncAt} />
          </p>
        </Card>
        <Card title="Servers">
          <p className="text-2xl font-semibold tabular-nums">{summary.servers.total}</p>
          <p className="text-xs text-slate-600">{summary.servers.mapped} mapped to applications</p>
        </Card>
        <Card title="By status">
          <StatusCountList counts={summary.servers.byStatus} label="All servers by status" />
        </Card>
      </section>

      {instances.length === 0 ? (
        <EmptyState title="No HAProxy instances registered">
          {can(role, "haproxy.manage") ? (
            <Link className="text-sky-800 underline" href="/haproxy/instances">
              Register one
            </Link>
          ) : (
            "An admin registers them."
          )}
        </EmptyState>
      ) : (
        <>
          <InstancesTable
            instances={instances.map((i) => ({
              id: i.id,
              name: i.name,
              isActive: i.isActive,
              server: { id: i.server.id, name: i.server.name },
              lastSyncAt: i.lastSyncAt,
              lastSyncSuccess: i.lastSyncSuccess,
              lastSyncError: i.lastSyncError,
              breaker: i.breaker,
              backendCount: i.backendCount,
              selection: i.selection,
              servers: i.servers,
              syncing: i.syncing !== null,
            }))}
            canSync={live && can(role, "haproxy.sync")}
          />
          <BreakerHelp />

          <FilterForm action="/haproxy" label="Filter backends and servers" filtered={filtered} className="mt-6">
            <SelectFilter
              label="Instance"
              name="instance"
              value={filters.instance}
              options={instances.map((i) => ({ value: i.id, label: `${i.name} (${i.server.name})` }))}
              anyLabel="all"
              className="w-44"
            />
            <SelectFilter
              label="Status"
              name="status"
              value={filters.status}
              options={STATUS_FILTERS}
              className="w-32"
            />
            <TextFilter
              label="Backend or server"
              name="q"
              value={filters.q}
              placeholder="name contains…"
              className="w-56"
            />
          </FilterForm>

          {view.items.length === 0 ? (
            <EmptyState title={filtered ? "No backend or server matches these filters" : "No backends synced yet"}>
              {filtered ? null : "They appear after the first sync of an instance."}
            </EmptyState>
          ) : canCommand ? (
            <BulkSelectionProvider
              filter={{ instanceId: filters.instance, status: filters.status, q: filters.q }}
              filtered={filtered}
            >
              {accordion}
            </BulkSelectionProvider>
          ) : (
            <>
              {/* Say why there are no buttons, rather than leaving a viewer to look for them. */}
              {live && !can(role, "haproxy.command") ? (
                <p className="mb-2 text-sm text-slate-600" data-testid="viewer-note">
                  You can look here as a {role}; operators can drain, ready and put servers in maintenance.
                </p>
              ) : null}
              {accordion}
            </>
          )}
          <Pagination
            basePath="/haproxy"
            params={{ instance: filters.instance?.toString(), status: filters.status, q: filters.q }}
            page={view.page}
            pageCount={view.pageCount}
            total={view.total}
          />
        </>
      )}
    </>
  );
}

// Detail pages live below this segment, so its loading state is here, not in a loading.tsx.
export default withLoading(HaproxyPage);
