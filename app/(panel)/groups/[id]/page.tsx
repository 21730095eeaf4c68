import Link from "next/link";
import { HistoryChart } from "@/components/charts/history-chart";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { DriftBadge } from "@/components/inventory/drift-badge";
import { EffectiveSettings } from "@/components/inventory/effective-settings";
import { GroupInstanceTable } from "@/components/inventory/group-instance-table";
import { VersionTimeline } from "@/components/inventory/version-timeline";
import { GroupUpdates } from "@/components/tasks/group-updates";
import { Pagination } from "@/components/ui/pagination";
import { BackLink, Card, EmptyState, PageHeader } from "@/components/ui/states";
import { idParam, orNotFound } from "@/lib/page-data";
import { pageParam, type SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/roles";
import { eurekaAppName } from "@/server/eureka/urls";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { CatalogSettingsForm, GroupSettingsForm } from "./group-settings-forms";
import { TargetHistory } from "@/components/audit/target-history";
import { cache } from "react";
import { withLoading } from "@/components/ui/page-loading";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Group ${(await params).id}` };
}

/** Cached: the check that withLoading runs first and the page ask once. */
const findGroup = cache(async (id: number) => orNotFound((await api()).groups.get({ id })));

async function GroupPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const id = idParam((await params).id);
  const historyPage = pageParam(await searchParams);
  const caller = await api();
  const [group, history, actor] = await Promise.all([
    findGroup(id),
    orNotFound(caller.versions.forGroup({ groupId: id, page: historyPage, pageSize: 20 })),
    currentActor(),
  ]);
  const admin = !!actor && can(actor.role, "settings.manage");
  const reported = group.versions.filter((v) => v.version !== null).length;

  return (
    <>
      <BackLink href="/groups">Groups</BackLink>
      <PageHeader title={group.name}>
        {group.drift ? <DriftBadge versions={reported} /> : null}
        <AutoRefresh kinds={["inventory", "tasks"]} />
      </PageHeader>
      {group.description ? <p className="-mt-3 mb-4 text-sm text-slate-600">{group.description}</p> : null}

      <section aria-labelledby="versions-heading" className="mb-4">
        <h2 id="versions-heading" className="sr-only">
          Versions
        </h2>
        <ul className="flex flex-wrap gap-2 text-sm" data-testid="version-distribution">
          {group.versions.map((v) => (
            <li
              key={v.version ?? "none"}
              className={`rounded-full px-3 py-1 ring-1 ring-inset ${v.version === group.commonVersion ? "bg-emerald-50 text-emerald-900 ring-emerald-600/30" : v.version === null ? "bg-slate-50 text-slate-600 ring-slate-300" : "bg-amber-50 text-amber-900 ring-amber-600/30"}`}
            >
              <span className="font-mono">{v.version ?? "no version"}</span> × {v.count}
              {v.version === group.commonVersion && reported > 1 ? <span className="ml-1 text-xs">(most)</span> : null}
            </li>
          ))}
        </ul>
      </section>

      <div className="mb-4">
        <HistoryChart
          title="Versions over time"
          source={{ procedure: "fleet", chart: "group.versions", id: group.id }}
          note="instances per version: how a rollout progressed"
        />
      </div>

      {/* Near the top: updating the group is what most visits here are for. */}
      <GroupUpdates groupId={group.id} />

      <div className="mt-8 grid grid-cols-1 gap-6 lg:grid-cols-[1fr_340px]">
        <div className="min-w-0 space-y-6">
          <section aria-labelledby="instances-heading">
            <div className="mb-2 flex items-baseline justify-between">
              <h2 id="instances-heading" className="text-lg font-semibold text-slate-900">
                Instances <span className="text-sm font-normal text-slate-500">({group.instanceCount})</span>
              </h2>
              <Link className="text-sm text-sky-800 underline" href={`/applications?groupId=${group.id}`}>
                Open in the applications list
              </Link>
            </div>
            {group.instances.length === 0 ? (
              <EmptyState title="No instances in this group">
                Instances join a group when polling finds them.
              </EmptyState>
            ) : (
              <GroupInstanceTable
                label={`Instances of ${group.name}`}
                commonVersion={group.commonVersion}
                rows={group.instances.map((i) => ({
                  id: i.id,
                  serverId: i.server.id,
                  serverName: i.server.name,
                  instanceName: i.instanceName,
                  appType: i.appType,
                  status: i.status,
                  version: i.currentVersion,
                  drifted: i.drifted,
                  hasOverrides: i.hasOverrides,
                  lastSeen: i.lastSeen,
                }))}
              />
            )}
            {group.truncated ? (
              <p className="mt-2 text-sm text-slate-600">
                Showing the first {group.instances.length} by server;{" "}
                <Link className="underline" href={`/applications?groupId=${group.id}&sort=server`}>
                  see all in the applications list
                </Link>
                .
              </p>
            ) : null}
          </section>

          <section aria-labelledby="history-heading">
            <h2 id="history-heading" className="mb-3 text-lg font-semibold text-slate-900">
              Version changes
            </h2>
            <VersionTimeline rows={history.items} />
            {history.pageCount > 1 ? (
              <Pagination
                basePath={`/groups/${id}`}
                params={{}}
                page={history.page}
                pageCount={history.pageCount}
                total={history.total}
              />
            ) : null}
          </section>
        </div>

        <div className="space-y-4">
          <Card title="Effective settings">
            <p className="mb-2 text-xs text-slate-500">What instances of this group use unless they set their own.</p>
            <EffectiveSettings settings={group.effective} />
            <p className="mt-2 text-sm text-slate-600">
              Update batches: <span className="font-medium">{group.batchGroupingStrategy.replaceAll("_", " ")}</span>
              {group.batchGroupingStrategy === "fixed_size" ? ` of ${group.batchSize}` : null}
            </p>
            <p className="mt-1 text-sm text-slate-600">
              Eureka app name: <span className="break-all font-mono font-medium">{eurekaAppName(group)}</span>
              {group.eurekaAppName ? null : <span className="text-slate-500"> (the group&apos;s name)</span>}
            </p>
          </Card>
          {admin ? (
            <>
              <GroupSettingsForm
                group={{
                  id: group.id,
                  name: group.name,
                  description: group.description,
                  updatePlaybookPath: group.updatePlaybookPath,
                  artifactListUrl: group.artifactListUrl,
                  artifactExtension: group.artifactExtension,
                  batchGroupingStrategy: group.batchGroupingStrategy,
                  batchSize: group.batchSize,
                  eurekaAppName: group.eurekaAppName,
                }}
              />
              {group.catalog ? <CatalogSettingsForm catalog={group.catalog} /> : null}
            </>
          ) : null}
        </div>
      </div>
      <div className="mt-8">
        <TargetHistory targetType="group" targetId={group.id} />
      </div>
    </>
  );
}

// The group is looked up before the loading state streams, so an unknown id answers 404.
export default withLoading(GroupPage, async ({ params }) => findGroup(idParam((await params).id)));
