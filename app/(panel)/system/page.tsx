// System health (docs/history.md, "Charts"): how long the poll cycles and HAProxy syncs take and how
// many servers or instances failed in each, over time. The latest run of each job is on the dashboard.
import Link from "next/link";
import { HistoryChart } from "@/components/charts/history-chart";
import { PageHeader } from "@/components/ui/states";
import { config } from "@/server/config";

export const metadata = { title: "System health" };

export default function SystemHealthPage() {
  const haproxy = config().HAPROXY_ENABLED;
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href="/" className="text-sky-800 hover:underline">
          ← Dashboard
        </Link>
      </p>
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
