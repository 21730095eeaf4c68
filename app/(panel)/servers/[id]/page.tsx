import Link from "next/link";
import { HostMaintenancePanel } from "@/components/haproxy/host-maintenance";
import { ServerHaproxy } from "@/components/haproxy/server-haproxy";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { InstanceCounts } from "@/components/inventory/instance-counts";
import { DataTable } from "@/components/ui/data-table";
import { InstanceHead, InstanceRow, type InstanceColumn } from "@/components/ui/instance-row";
import { RelativeTime } from "@/components/ui/relative-time";
import { BackLink, Card, EmptyState, PageHeader } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { idParam, orNotFound } from "@/lib/page-data";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import type { ServerDetail } from "@/server/inventory/queries/server-list";
import { api } from "@/server/trpc/server-caller";
import { PollNowButton } from "../poll-now-button";
import { DeleteServerButton, ServerForm } from "../server-forms";
import { TargetHistory } from "@/components/audit/target-history";
import { cache } from "react";
import { withLoading } from "@/components/ui/page-loading";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Server ${(await params).id}` };
}

const appColumns: InstanceColumn[] = ["instance", "status", "version", "location", "address", "lastSeen"];

function AppsTable({ group }: { group: ServerDetail["byType"][number] }) {
  return (
    <DataTable label={`${group.appType} applications`}>
      <InstanceHead columns={appColumns} labels={{ location: group.appType === "docker" ? "Image" : "Path" }} />
      <tbody className="divide-y divide-slate-100">
        {group.instances.map((instance) => (
          <InstanceRow
            key={instance.id}
            instance={{
              id: instance.id,
              instanceName: instance.instanceName,
              status: instance.status,
              version: instance.currentVersion,
              lastSeen: instance.lastSeen,
              location: group.appType === "docker" ? instance.image : instance.path,
              ip: instance.ip,
              port: instance.port,
            }}
            columns={appColumns}
          />
        ))}
      </tbody>
    </DataTable>
  );
}

/** Cached: the check that withLoading runs first and the page ask once. */
const findServer = cache(async (id: number) => orNotFound((await api()).servers.get({ id })));

async function ServerPage({ params }: { params: Promise<{ id: string }> }) {
  const id = idParam((await params).id);
  const caller = await api();
  const [server, actor, maintenance] = await Promise.all([
    findServer(id),
    currentActor(),
    orNotFound(caller.haproxy.hostMaintenance({ serverId: id })),
  ]);
  const admin = !!actor && can(actor.role, "servers.manage");

  return (
    <>
      <BackLink href="/servers">Servers</BackLink>
      <PageHeader title={server.name}>
        <AutoRefresh kinds={["inventory"]} />
        {actor && can(actor.role, "poll.now") ? <PollNowButton serverId={server.id} /> : null}
        <ServerHaproxy serverId={server.id} serverName={server.name} />
      </PageHeader>

      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-3">
        <Card title="Agent">
          <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-2 text-sm">
            <dt className="text-slate-500">Status</dt>
            <dd data-testid="server-status">
              <StatusBadge status={server.status} />
            </dd>
            <dt className="text-slate-500">Address</dt>
            <dd className="font-mono text-xs">
              {server.ip}:{server.port}
            </dd>
            <dt className="text-slate-500">Last check</dt>
            <dd>
              <RelativeTime date={server.lastCheck} />
            </dd>
            <dt className="text-slate-500">Roles</dt>
            <dd>
              {[server.isHaproxyNode && "HAProxy", server.isEurekaNode && "Eureka"].filter(Boolean).join(", ") || "—"}
            </dd>
            <dt className="text-slate-500">Instances</dt>
            <dd>
              <InstanceCounts counts={server.instanceCounts} total={server.instanceTotal} />
            </dd>
            {server.agentCoercions.length ? (
              <>
                <dt className="text-slate-500">Tolerated</dt>
                <dd
                  data-testid="agent-coercions"
                  title="Values of the agent's last reply sent in a form AC converts (docs/agent-contract.md)"
                >
                  {server.agentCoercions
                    .map(
                      ([field, count]) =>
                        `${field} as ${field === "version" ? "a number" : "a string"} in ${count} entr${count === 1 ? "y" : "ies"}`,
                    )
                    .join("; ")}
                </dd>
              </>
            ) : null}
          </dl>
          {server.lastError ? (
            <div
              className="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
              data-testid="server-last-error"
            >
              <p className="font-medium">Last error</p>
              <p className="break-words">{server.lastError}</p>
            </div>
          ) : null}
        </Card>

        <Card
          title="Status timeline"
          actions={
            <Link className="text-sm text-sky-800 underline" href={`/events?serverId=${server.id}`}>
              All events
            </Link>
          }
        >
          {server.statusEvents.length === 0 ? (
            <p className="text-sm text-slate-500">No connects or disconnects recorded yet.</p>
          ) : (
            <ol
              className="space-y-2 border-l border-slate-200 pl-4 text-sm"
              aria-label="Status timeline"
              data-testid="status-timeline"
            >
              {server.statusEvents.map((event) => (
                <li key={event.id} className="relative">
                  <span
                    aria-hidden="true"
                    className={`absolute -left-[21px] top-1.5 h-2 w-2 rounded-full ${event.eventType === "connect" ? "bg-emerald-600" : "bg-red-600"}`}
                  />
                  <StatusBadge status={event.eventType === "connect" ? "online" : "offline"} />{" "}
                  <RelativeTime date={event.timestamp} />
                  <p className="text-xs text-slate-600">{event.description}</p>
                </li>
              ))}
            </ol>
          )}
        </Card>

        {admin ? (
          <ServerForm
            server={{
              id,
              name: server.name,
              ip: server.ip,
              port: server.port,
              isHaproxyNode: server.isHaproxyNode,
              isEurekaNode: server.isEurekaNode,
              hasAgentToken: server.hasAgentToken,
            }}
            danger={<DeleteServerButton server={{ id, name: server.name }} afterDelete="/servers" />}
          />
        ) : null}
      </div>

      {maintenance.mapped > 0 || maintenance.open ? (
        <div className="mt-4">
          <HostMaintenancePanel initial={maintenance} canCommand={!!actor && can(actor.role, "haproxy.bulk")} />
        </div>
      ) : null}

      <h2 className="mb-3 mt-8 text-lg font-semibold text-slate-900">Applications</h2>
      {server.byType.length === 0 ? (
        <EmptyState title="No applications reported">
          {server.lastCheck ? "The agent reported no applications." : "This server has not been polled yet."}
        </EmptyState>
      ) : (
        <div className="space-y-6">
          {server.byType.map((group) => (
            <section key={group.appType} aria-labelledby={`type-${group.appType}`}>
              <h3
                id={`type-${group.appType}`}
                className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600"
              >
                {group.appType} <span className="font-normal text-slate-400">({group.instances.length})</span>
              </h3>
              <AppsTable group={group} />
            </section>
          ))}
        </div>
      )}
      <div className="mt-8">
        <TargetHistory targetType="server" targetId={id} />
      </div>
    </>
  );
}

// The server is looked up before the loading state streams, so an unknown id answers 404.
export default withLoading(ServerPage, async ({ params }) => findServer(idParam((await params).id)));
