import Link from "next/link";
import { HistoryChart } from "@/components/charts/history-chart";
import { InstanceHaproxyServers } from "@/components/haproxy/instance-haproxy-servers";
import { EffectiveSettings } from "@/components/inventory/effective-settings";
import { EventList } from "@/components/inventory/event-list";
import { VersionTimeline } from "@/components/inventory/version-timeline";
import { InstanceUpdates } from "@/components/tasks/instance-updates";
import { Pagination } from "@/components/ui/pagination";
import { RelativeTime } from "@/components/ui/relative-time";
import { BackLink, Card, PageHeader } from "@/components/ui/states";
import { StatusBadge } from "@/components/ui/status-badge";
import { idParam, orNotFound } from "@/lib/page-data";
import { pageParam, type SearchParams } from "@/lib/search-params";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import type { InstanceDetail } from "@/server/inventory/queries/instance-detail";
import { api } from "@/server/trpc/server-caller";
import { InstanceSettingsForm } from "./instance-settings-form";
import { TargetHistory } from "@/components/audit/target-history";
import { cache } from "react";
import { withLoading } from "@/components/ui/page-loading";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Application ${(await params).id}` };
}

type Field = { label: string; value: (i: InstanceDetail) => React.ReactNode; only?: InstanceDetail["appType"][] };

const text = (v: string | number | boolean | null) => (v === null || v === "" ? null : String(v));
const fields: Field[] = [
  { label: "Type", value: (i) => i.appType },
  { label: "Instance number", value: (i) => i.instanceNumber },
  { label: "Catalog entry", value: (i) => i.catalog?.name ?? null },
  { label: "Image", value: (i) => text(i.image), only: ["docker"] },
  { label: "Tag", value: (i) => text(i.tag), only: ["docker"] },
  { label: "Container name", value: (i) => text(i.containerName), only: ["docker"] },
  { label: "Container id", value: (i) => text(i.containerId), only: ["docker"] },
  { label: "Compose project", value: (i) => text(i.composeProjectDir), only: ["docker"] },
  { label: "Eureka URL", value: (i) => text(i.eurekaUrl), only: ["docker", "eureka"] },
  {
    label: "Eureka registered",
    value: (i) => (i.eurekaRegistered === null ? null : i.eurekaRegistered ? "yes" : "no"),
    only: ["docker", "eureka"],
  },
  { label: "Reported version", value: (i) => text(i.version) },
  { label: "Path", value: (i) => text(i.path), only: ["site", "service"] },
  { label: "Log path", value: (i) => text(i.logPath), only: ["site", "service"] },
  { label: "Distribution", value: (i) => text(i.distrPath), only: ["site", "service"] },
  { label: "IP", value: (i) => text(i.ip) },
  { label: "Port", value: (i) => text(i.port) },
  { label: "PID", value: (i) => text(i.pid) },
  { label: "Started", value: (i) => (i.startTime ? <RelativeTime date={i.startTime} /> : null) },
  { label: "Last seen", value: (i) => <RelativeTime date={i.lastSeen} /> },
  { label: "First seen", value: (i) => <RelativeTime date={i.createdAt} /> },
];

/** Cached: the check that withLoading runs first and the page ask once. */
const findInstance = cache(async (id: number) => orNotFound((await api()).applications.get({ id })));

async function InstancePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const id = idParam((await params).id);
  const historyPage = pageParam(await searchParams);
  const caller = await api();
  const [instance, history, events, actor] = await Promise.all([
    findInstance(id),
    orNotFound(caller.versions.forInstance({ instanceId: id, page: historyPage, pageSize: 25 })),
    caller.events.list({ instanceId: id, pageSize: 20 }),
    currentActor(),
  ]);
  // Fields of another app type show only when the agent filled them anyway.
  const shown = fields.filter((f) => !f.only || f.only.includes(instance.appType) || f.value(instance) !== null);

  return (
    <>
      <BackLink href="/applications">Applications</BackLink>
      <PageHeader title={instance.instanceName}>
        <StatusBadge status={instance.status} />
        {instance.rawStatus !== null ? (
          <span className="text-sm text-slate-600" data-testid="instance-raw-status">
            agent reports <span className="font-mono text-slate-900">{instance.rawStatus}</span>
          </span>
        ) : null}
      </PageHeader>
      <p className="-mt-3 mb-5 text-sm text-slate-600">
        on{" "}
        <Link className="text-sky-800 hover:underline" href={`/servers/${instance.server.id}`}>
          {instance.server.name}
        </Link>{" "}
        <StatusBadge status={instance.server.status} />
        {instance.group ? (
          <>
            {" "}
            · group{" "}
            <Link className="text-sky-800 hover:underline" href={`/groups/${instance.group.id}`}>
              {instance.group.name}
            </Link>
          </>
        ) : null}{" "}
        · version{" "}
        <span className="font-mono font-medium text-slate-900" data-testid="instance-version">
          {instance.currentVersion ?? "—"}
        </span>
      </p>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Details">
          <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1.5 text-sm" data-testid="instance-fields">
            {shown.map((field) => (
              <div key={field.label} className="contents">
                <dt className="text-slate-500">{field.label}</dt>
                <dd className="break-all">{field.value(instance) ?? <span className="text-slate-400">—</span>}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <div className="space-y-4">
          <Card title="Update settings">
            <EffectiveSettings settings={instance.effective} />
          </Card>
          {actor && can(actor.role, "settings.manage") ? (
            <InstanceSettingsForm
              instance={{
                id: instance.id,
                customPlaybookPath: instance.customPlaybookPath,
                customArtifactUrl: instance.customArtifactUrl,
                customArtifactExtension: instance.customArtifactExtension,
              }}
            />
          ) : null}
        </div>
      </div>

      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <HistoryChart
          title="Status timeline"
          source={{ procedure: "instance", instanceId: id }}
          only="status"
          note="from its start and stop events"
        />
        <HistoryChart title="Version steps" source={{ procedure: "instance", instanceId: id }} only="version" />
      </div>

      <section className="mt-8" aria-labelledby="history-heading">
        <h2 id="history-heading" className="mb-3 text-lg font-semibold text-slate-900">
          Version history
        </h2>
        <VersionTimeline rows={history.items} showInstance={false} />
        {history.pageCount > 1 ? (
          <Pagination
            basePath={`/applications/${id}`}
            params={{}}
            page={history.page}
            pageCount={history.pageCount}
            total={history.total}
          />
        ) : null}
      </section>

      <section className="mt-8" aria-labelledby="events-heading">
        <div className="mb-3 flex items-baseline justify-between">
          <h2 id="events-heading" className="text-lg font-semibold text-slate-900">
            Events
          </h2>
          {events.total > events.items.length ? (
            <Link className="text-sm text-sky-800 underline" href={`/events?instanceId=${id}`}>
              All {events.total} events
            </Link>
          ) : null}
        </div>
        <EventList events={events.items} showServer={false} empty="No events for this instance" />
      </section>
      <InstanceUpdates instanceId={instance.id} />
      <InstanceHaproxyServers instanceId={instance.id} />
      <div className="mt-8">
        <TargetHistory targetType="instance" targetId={instance.id} />
      </div>
    </>
  );
}

// The instance is looked up before the loading state streams, so an unknown id answers 404.
export default withLoading(InstancePage, async ({ params }) => findInstance(idParam((await params).id)));
