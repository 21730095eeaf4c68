import Link from "next/link";
import { HistoryChart } from "@/components/charts/history-chart";
import { AutoRefresh } from "@/components/inventory/auto-refresh";
import { EventList } from "@/components/inventory/event-list";
import { UnknownStatuses } from "@/components/inventory/unknown-statuses";
import { PausedTasks } from "@/components/tasks/paused-tasks";
import { VersionTimeline } from "@/components/inventory/version-timeline";
import { StatusBadge } from "@/components/ui/status-badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { Card, PageHeader } from "@/components/ui/states";
import { can } from "@/server/auth/roles";
import { currentActor } from "@/server/auth/current-actor";
import { api } from "@/server/trpc/server-caller";
import { withLoading } from "@/components/ui/page-loading";

export const dynamic = "force-dynamic";

const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

type Overview = Awaited<ReturnType<Awaited<ReturnType<typeof api>>["system"]["overview"]>>;

/** Each status with its count, linking to the list filtered by it. */
function Counts({
  counts,
  order,
  href,
  testId,
}: {
  counts: Partial<Record<string, number>>;
  order: string[];
  href: (status: string) => string;
  testId: string;
}) {
  return (
    <ul className="flex flex-wrap gap-4">
      {order.map((status) => (
        <li key={status}>
          <Link
            href={href(status)}
            className="flex items-center gap-2 rounded focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
            data-testid={`${testId}-${status}`}
          >
            <StatusBadge status={status} />
            <span className="text-lg font-semibold tabular-nums text-slate-900">{counts[status] ?? 0}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function Scheduler({ overview }: { overview: Overview }) {
  const { alive, lastHeartbeat } = overview.scheduler;
  const poll = overview.lastPollCycle;
  return (
    <div className="space-y-2 text-sm">
      <p className="flex items-center gap-2" data-testid="scheduler-health">
        <StatusBadge status={alive ? "online" : "offline"} />
        {lastHeartbeat ? (
          <span>
            last heartbeat <RelativeTime date={lastHeartbeat} />
          </span>
        ) : (
          <span className="text-slate-500">no heartbeat recorded yet</span>
        )}
      </p>
      {poll ? (
        <div data-testid="last-poll-cycle">
          <p>
            Last poll cycle <RelativeTime date={poll.lastRunAt} />
            {poll.replica ? ` on ${poll.replica}` : null}
            {poll.durationMs !== null ? `, took ${duration(poll.durationMs)}` : null}
            {poll.overdue ? <span className="ml-2 font-medium text-red-700">overdue</span> : null}
          </p>
          {poll.summary ? (
            <p className="text-slate-600">
              {poll.summary.servers ?? "?"} servers: {poll.summary.online ?? 0} online, {poll.summary.offline ?? 0}{" "}
              offline,{" "}
              <span className={poll.summary.failures ? "font-medium text-red-700" : undefined}>
                {poll.summary.failures ?? 0} failures
              </span>
              , {poll.summary.versionChanges ?? 0} version changes
              {poll.summary.skipped ? (
                <span className="font-medium text-red-700">
                  , {poll.summary.skipped} not polled in time (add replicas or raise POLLING_INTERVAL)
                </span>
              ) : null}
            </p>
          ) : null}
          {poll.lastError ? <p className="text-red-700">Failed: {poll.lastError}</p> : null}
        </div>
      ) : (
        <p className="text-slate-500">No poll cycle has run yet.</p>
      )}
    </div>
  );
}

async function DashboardPage() {
  const caller = await api();
  const [overview, unknown, actor] = await Promise.all([
    caller.system.overview(),
    caller.statusMap.unknown(),
    currentActor(),
  ]);
  return (
    <>
      <PageHeader title="Dashboard">
        <AutoRefresh />
      </PageHeader>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-4">
        <Card title="Servers">
          <Counts
            counts={overview.servers}
            order={["online", "offline", "unknown"]}
            href={(s) => `/servers?status=${s}`}
            testId="servers-count"
          />
        </Card>
        <Card title="Application instances">
          <Counts
            counts={overview.instances}
            order={["online", "offline", "starting", "stopping", "unknown", "no_data"]}
            href={(s) => `/applications?status=${s}`}
            testId="instances-count"
          />
        </Card>
        <Card title="Catalog">
          <p className="text-sm text-slate-600">
            <Link href="/groups" className="text-lg font-semibold text-slate-900 hover:underline">
              {overview.groups}
            </Link>{" "}
            groups in <span className="text-lg font-semibold text-slate-900">{overview.catalog}</span> catalog entries
          </p>
        </Card>
        <Card
          title="Scheduler"
          actions={
            <Link className="text-sm text-sky-800 underline" href="/system">
              Health
            </Link>
          }
        >
          <Scheduler overview={overview} />
        </Card>
      </div>

      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <HistoryChart title="Servers over time" source={{ procedure: "fleet", chart: "servers" }} />
        <HistoryChart title="Application instances over time" source={{ procedure: "fleet", chart: "instances" }} />
      </div>

      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card
          title="Servers needing attention"
          actions={
            <Link className="text-sm text-sky-800 underline" href="/servers?sort=status">
              All servers
            </Link>
          }
        >
          {overview.attentionServers.length === 0 ? (
            <p className="text-sm text-emerald-700">Every server is online.</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm" data-testid="attention-servers">
              {overview.attentionServers.map((server) => (
                <li key={server.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2">
                  <StatusBadge status={server.status} />
                  <Link href={`/servers/${server.id}`} className="font-medium text-sky-800 hover:underline">
                    {server.name}
                  </Link>
                  <span className="text-xs text-slate-500">
                    checked <RelativeTime date={server.lastCheck} />
                  </span>
                  {server.lastError ? (
                    <span className="w-full truncate text-xs text-red-700" title={server.lastError}>
                      {server.lastError}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card
          title="Update tasks"
          actions={
            <Link className="text-sm text-sky-800 underline" href="/tasks">
              All tasks
            </Link>
          }
        >
          <Counts
            counts={overview.tasks.counts}
            order={["running", "pending", "paused"]}
            href={(s) => `/tasks?status=${s}`}
            testId="tasks-count"
          />
          <PausedTasks tasks={overview.tasks.paused} />
        </Card>
        <Card title="Recent version changes">
          <VersionTimeline rows={overview.recentChanges} />
        </Card>
        <Card title="Statuses read as unknown">
          <UnknownStatuses
            items={unknown.items}
            more={unknown.more}
            canMap={!!actor && can(actor.role, "statusMap.manage")}
          />
        </Card>
      </div>

      <section className="mt-6" aria-labelledby="recent-events">
        <div className="mb-2 flex items-baseline justify-between">
          <h2 id="recent-events" className="text-lg font-semibold text-slate-900">
            Recent events
          </h2>
          <Link className="text-sm text-sky-800 underline" href="/events">
            All events
          </Link>
        </div>
        <EventList events={overview.recentEvents} />
      </section>
    </>
  );
}

// Detail pages live below this segment, so its loading state is here, not in a loading.tsx.
export default withLoading(DashboardPage);
