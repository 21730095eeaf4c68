import { StatusBadge } from "@/components/ui/status-badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { Card, PageHeader } from "@/components/ui/states";
import { api } from "@/server/trpc/server-caller";

export const dynamic = "force-dynamic";

function Counts({ counts, order }: { counts: Partial<Record<string, number>>; order: string[] }) {
  return (
    <ul className="flex flex-wrap gap-4">
      {order.map((status) => (
        <li key={status} className="flex items-center gap-2">
          <StatusBadge status={status} />
          <span className="text-lg font-semibold tabular-nums">{counts[status] ?? 0}</span>
        </li>
      ))}
    </ul>
  );
}

export default async function DashboardPage() {
  const overview = await (await api()).system.overview();
  const { alive, lastHeartbeat } = overview.scheduler;
  return (
    <>
      <PageHeader title="Dashboard" />
      <div className="grid gap-4 md:grid-cols-2">
        <Card title="Servers">
          <Counts counts={overview.servers} order={["online", "offline", "unknown"]} />
        </Card>
        <Card title="Application instances">
          <Counts counts={overview.instances} order={["online", "offline", "starting", "stopping", "unknown", "no_data"]} />
        </Card>
        <Card title="Catalog">
          <p className="text-sm text-slate-600">
            <span className="text-lg font-semibold text-slate-900">{overview.groups}</span> groups in{" "}
            <span className="text-lg font-semibold text-slate-900">{overview.catalog}</span> catalog entries
          </p>
        </Card>
        <Card title="Scheduler">
          <p className="flex items-center gap-2 text-sm" data-testid="scheduler-health">
            <StatusBadge status={alive ? "online" : "offline"} />
            {lastHeartbeat ? (
              <span>
                last heartbeat <RelativeTime date={lastHeartbeat} />
              </span>
            ) : (
              <span className="text-slate-500">no heartbeat recorded yet</span>
            )}
          </p>
        </Card>
      </div>
    </>
  );
}
