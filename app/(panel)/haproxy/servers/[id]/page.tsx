import Link from "next/link";
import { HistoryChart } from "@/components/charts/history-chart";
import { ActionTable } from "@/components/haproxy/action-table";
import { HaproxyStatus } from "@/components/haproxy/badges";
import { MapDialog } from "@/components/haproxy/map-dialog";
import { ServerActions } from "@/components/haproxy/server-actions";
import { Mapping } from "@/components/haproxy/servers-table";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { Pagination } from "@/components/ui/pagination";
import { RelativeTime } from "@/components/ui/relative-time";
import { BackLink, Card, PageHeader } from "@/components/ui/states";
import { hrefWith } from "@/lib/href";
import { idParam, orNotFound } from "@/lib/page-data";
import { pageParam, type SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { haproxyServerLabel } from "@/lib/haproxy-label";
import { TargetHistory } from "@/components/audit/target-history";
import { cache } from "react";
import { withLoading } from "@/components/ui/page-loading";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `HAProxy server ${(await params).id}` };
}

/** Cached: the check that withLoading runs first and the page ask once. */
const findServer = cache(async (id: number) => orNotFound((await api()).haproxy.server({ haproxyServerId: id })));

async function HaproxyServerPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const id = idParam((await params).id);
  const caller = await api();
  const [server, history, actions, summary, actor] = await Promise.all([
    findServer(id),
    orNotFound(
      caller.haproxy.statusHistory({ haproxyServerId: id, page: pageParam(await searchParams), pageSize: 25 }),
    ),
    caller.haproxy.actions({ haproxyServerId: id, pageSize: 10 }),
    caller.haproxy.summary(),
    currentActor(),
  ]);
  const role = actor?.role ?? "viewer";
  const { backend } = server;
  const label = haproxyServerLabel(backend.instance.name, backend.backendName, server.serverName);
  const gone = server.removedAt ?? backend.removedAt;

  return (
    <>
      <BackLink href={hrefWith("/haproxy", { instance: backend.instance.id, q: server.serverName })}>HAProxy</BackLink>
      <PageHeader title={label}>
        <AutoRefresh kinds={["haproxy"]} />
      </PageHeader>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="State">
          <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-2 text-sm">
            <dt className="text-slate-500">Status</dt>
            <dd data-testid="haproxy-status">
              <HaproxyStatus status={server.status} />{" "}
              {server.lastStatusChange ? (
                <span className="text-xs text-slate-500">
                  since <RelativeTime date={server.lastStatusChange} />
                </span>
              ) : null}
            </dd>
            <dt className="text-slate-500">Address</dt>
            <dd className="font-mono text-xs">{server.address ?? "—"}</dd>
            <dt className="text-slate-500">Weight</dt>
            <dd>{server.weight ?? "—"}</dd>
            <dt className="text-slate-500">Sessions</dt>
            <dd>
              {server.currentSessions ?? "—"} / {server.maxSessions ?? "∞"}
            </dd>
            <dt className="text-slate-500">Instance</dt>
            <dd>
              {backend.instance.name} on{" "}
              <Link className="text-sky-800 hover:underline" href={`/servers/${backend.instance.server.id}`}>
                {backend.instance.server.name}
              </Link>
            </dd>
            <dt className="text-slate-500">Application</dt>
            <dd>
              <Mapping server={server} />
            </dd>
            {server.mappingNote ? (
              <>
                <dt className="text-slate-500">Mapping note</dt>
                <dd className="text-xs text-slate-600">{server.mappingNote}</dd>
              </>
            ) : null}
          </dl>
          {gone ? (
            <p className="mt-3 text-sm text-amber-800">
              Removed from HAProxy <RelativeTime date={gone} />; kept for its history.
            </p>
          ) : null}
        </Card>
        {!gone && (can(role, "haproxy.command") || can(role, "haproxy.map")) ? (
          <Card title="Actions">
            <div className="space-y-3">
              {summary.enabled && can(role, "haproxy.command") ? (
                <ServerActions serverId={server.id} label={label} status={server.status} />
              ) : null}
              {can(role, "haproxy.map") ? (
                <MapDialog serverId={server.id} label={label} mapped={!!server.applicationInstance} />
              ) : null}
            </div>
          </Card>
        ) : null}
      </div>

      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <HistoryChart title="Sessions" source={{ procedure: "haproxy", chart: "server.sessions", id }} />
        <HistoryChart
          title="Status"
          source={{ procedure: "haproxy", chart: "server.status", id }}
          note="from its status history"
        />
      </div>

      <section className="mt-8" aria-labelledby="status-history">
        <h2 id="status-history" className="mb-3 text-lg font-semibold text-slate-900">
          Status history
        </h2>
        {history.items.length === 0 ? (
          <p className="text-sm text-slate-500">No status recorded yet.</p>
        ) : (
          <ol className="space-y-1 text-sm" data-testid="status-history">
            {history.items.map((h) => (
              <li key={h.id} className="flex flex-wrap items-center gap-2">
                <RelativeTime date={h.changedAt} />
                {h.oldStatus ? (
                  <>
                    <HaproxyStatus status={h.oldStatus} /> →
                  </>
                ) : (
                  <span className="text-xs text-slate-500">first seen</span>
                )}
                <HaproxyStatus status={h.newStatus} />
              </li>
            ))}
          </ol>
        )}
        {history.pageCount > 1 ? (
          <Pagination
            basePath={`/haproxy/servers/${id}`}
            params={{}}
            page={history.page}
            pageCount={history.pageCount}
            total={history.total}
          />
        ) : null}
      </section>

      <section className="mt-8" aria-labelledby="recent-actions">
        <div className="mb-3 flex items-baseline justify-between">
          <h2 id="recent-actions" className="text-lg font-semibold text-slate-900">
            Recent actions
          </h2>
          {actions.total > actions.items.length ? (
            <Link className="text-sm text-sky-800 underline" href={`/haproxy/actions?server=${id}`}>
              All {actions.total}
            </Link>
          ) : null}
        </div>
        <ActionTable actions={actions.items} empty="No command sent to this server yet" />
      </section>
      <div className="mt-8">
        <TargetHistory targetType="haproxy_server" targetId={id} />
      </div>
    </>
  );
}

// The HAProxy server is looked up before the loading state streams, so an unknown id answers 404.
export default withLoading(HaproxyServerPage, async ({ params }) => findServer(idParam((await params).id)));
