import Link from "next/link";
import { BreakerBadge } from "@/components/haproxy/badges";
import { DeleteInstanceButton, InstanceForm } from "@/components/haproxy/instance-form";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { EmptyState, PageHeader } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { idFilter } from "@/lib/list-params";
import type { SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";

export const metadata = { title: "HAProxy instances" };

export default async function HaproxyInstancesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const serverId = idFilter(await searchParams, "serverId");
  const caller = await api();
  const [instances, actor] = await Promise.all([caller.haproxy.instances({ serverId }), currentActor()]);
  const admin = !!actor && can(actor.role, "haproxy.manage");
  // A large fleet offers its HAProxy nodes, and each instance's own server so an edit keeps it.
  const options = admin ? await caller.servers.options({ haproxyNodes: true }) : [];
  const servers = [
    ...options,
    ...instances.map((i) => i.server).filter((s) => !options.some((o) => o.id === s.id)),
  ].map((s) => ({ id: s.id, name: s.name }));

  return (
    <>
      <p className="mb-1 text-sm">
        <Link href="/haproxy" className="text-sky-800 hover:underline">
          ← HAProxy
        </Link>
      </p>
      {/* Live: each sync announces its time and error (docs/architecture.md, "Change feed"). */}
      <PageHeader title="HAProxy instances">
        <AutoRefresh kinds={["haproxy"]} />
        {admin ? <InstanceForm servers={servers} /> : null}
      </PageHeader>
      {instances.length === 0 ? (
        <EmptyState title="No HAProxy instances registered">
          {admin ? "Register the first one: pick the server whose agent serves it." : "An admin registers them."}
        </EmptyState>
      ) : (
        <DataTable label="HAProxy instances">
          <thead className={theadClass}>
            <tr>
              <Th>Name</Th>
              <Th>Server</Th>
              <Th>Socket</Th>
              <Th>Backends polled</Th>
              <Th>Last sync</Th>
              <Th>Breaker</Th>
              {admin ? (
                <Th>
                  <span className="sr-only">Manage</span>
                </Th>
              ) : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {instances.map((i) => (
              <tr key={i.id} data-testid="instance-row">
                <td className={`${tdClass} font-medium`}>
                  <Link href={`/haproxy?instance=${i.id}`} className="text-sky-800 hover:underline">
                    {i.name}
                  </Link>
                  {i.isActive ? null : <span className="ml-2 text-xs text-slate-500">inactive</span>}
                  <Link
                    className="block text-xs font-normal text-sky-800 hover:underline"
                    href={`/audit?targetType=haproxy_instance&targetId=${i.id}`}
                  >
                    history
                  </Link>
                </td>
                <td className={tdClass}>
                  <Link href={`/servers/${i.server.id}`} className="hover:underline">
                    {i.server.name}
                  </Link>
                </td>
                <td className={`${tdClass} font-mono text-xs`}>{i.socketPath ?? "—"}</td>
                <td className={`${tdClass} font-mono text-xs`}>
                  {i.selection} <span className="font-sans text-slate-500">({i.backendCount})</span>
                </td>
                <td className={tdClass}>
                  {i.lastSyncAt ? (
                    <>
                      <StatusBadge status={i.lastSyncSuccess ? "success" : "failed"} />{" "}
                      <RelativeTime date={i.lastSyncAt} />
                    </>
                  ) : (
                    <span className="text-slate-400">never</span>
                  )}
                  {i.lastSyncError ? (
                    <span className="block max-w-sm break-words text-xs text-red-700">{i.lastSyncError}</span>
                  ) : null}
                </td>
                <td className={tdClass}>
                  <BreakerBadge breaker={i.breaker} />
                </td>
                {admin ? (
                  <td className={tdClass}>
                    <div className="flex gap-2">
                      <InstanceForm
                        servers={servers}
                        instance={{
                          id: i.id,
                          name: i.name,
                          serverId: i.server.id,
                          socketPath: i.socketPath,
                          isActive: i.isActive,
                          backendFilter: i.backendFilter,
                        }}
                      />
                      <DeleteInstanceButton instance={{ id: i.id, name: i.name }} />
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </>
  );
}
