import { BreakerHelp } from "@/components/haproxy/badges";
import { InstanceForm } from "@/components/haproxy/instance-form";
import { ManagedInstancesTable } from "@/components/haproxy/managed-instances-table";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { BackLink, EmptyState, PageHeader } from "@/components/ui/states";
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
      <BackLink href="/haproxy">HAProxy</BackLink>
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
        <ManagedInstancesTable
          admin={admin}
          servers={servers}
          instances={instances.map((i) => ({
            id: i.id,
            name: i.name,
            isActive: i.isActive,
            server: { id: i.server.id, name: i.server.name },
            socketPath: i.socketPath,
            backendFilter: i.backendFilter,
            selection: i.selection,
            backendCount: i.backendCount,
            lastSyncAt: i.lastSyncAt,
            lastSyncSuccess: i.lastSyncSuccess,
            lastSyncError: i.lastSyncError,
            breaker: i.breaker,
          }))}
        />
      )}
      {instances.length > 0 ? <BreakerHelp /> : null}
    </>
  );
}
