// System health (docs/history.md, "Charts"): how long the poll cycles and HAProxy syncs take and how
// many servers or instances failed in each, over time. The latest run of each job is on the dashboard.
import { HistoryChart } from "@/components/charts/history-chart";
import { BackLink, PageHeader } from "@/components/ui/states";
import { config } from "@/server/config";

export const metadata = { title: "System health" };

export default function SystemHealthPage() {
  const haproxy = config().HAPROXY_ENABLED;
  return (
    <>
      <BackLink href="/">Dashboard</BackLink>
      <PageHeader title="System health" />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <HistoryChart title="Job durations" source={{ procedure: "fleet", chart: "job.duration" }} format="ms" />
        <HistoryChart
          title="Failures per run"
          source={{ procedure: "fleet", chart: "job.failures" }}
          note="poll: servers not polled; sync: HAProxy instances not synced"
        />
        {haproxy ? (
          <HistoryChart title="HAProxy servers by status" source={{ procedure: "haproxy", chart: "fleet.servers" }} />
        ) : null}
      </div>
    </>
  );
}
