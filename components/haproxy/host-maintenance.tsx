"use client";
// A server page's host maintenance: drain (or maint) every HAProxy server that sends traffic to
// this server's instances, on every load balancer, and later ready exactly those again (not the
// ones someone else had taken out before). docs/haproxy.md, "Bulk actions and host maintenance".
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/controls";
import { RelativeTime } from "@/components/ui/relative-time";
import { Card } from "@/components/ui/states";
import type { hostMaintenance } from "@/server/haproxy/bulk-status";
import { useBulkAction } from "./bulk-action";
import { BulkProgress } from "./bulk-progress";

type State = Awaited<ReturnType<typeof hostMaintenance>>;

export function HostMaintenancePanel({ initial, canCommand }: { initial: State; canCommand: boolean }) {
  const trpc = useTRPC();
  const serverId = initial.server.id;
  const state = useQuery({
    ...trpc.haproxy.hostMaintenance.queryOptions({ serverId }),
    initialData: initial,
    refetchInterval: (q) => (q.state.data?.open?.status === "running" ? 2_000 : false),
  });
  const bulk = useBulkAction(() => void state.refetch());
  const { mapped, open } = state.data;
  const host = initial.server.name;

  return (
    <Card title="Host maintenance">
      <div className="space-y-3 text-sm text-slate-700" data-testid="host-maintenance">
        {open ? (
          <p>
            In maintenance since <RelativeTime date={open.createdAt} />, by {open.actor} ({open.command}):{" "}
            {open.counts.success} HAProxy servers taken out, {open.counts.skipped} were out already and stay so,{" "}
            {open.counts.failed} failed.
          </p>
        ) : (
          <p>
            {mapped} live HAProxy server{mapped === 1 ? "" : "s"} on all load balancers send traffic to {host}&apos;s
            instances.
          </p>
        )}
        {!canCommand ? (
          <p className="text-slate-500">Operators can start and end host maintenance here.</p>
        ) : open ? (
          <Button
            disabled={bulk.busy || open.status === "running"}
            onClick={() => bulk.ask({ command: "ready", selection: { kind: "host_end", serverId } })}
          >
            End maintenance: ready them again
          </Button>
        ) : (
          <>
            <ul className="list-disc space-y-1 pl-5 text-slate-600">
              <li id={`host-drain-help-${serverId}`}>
                <strong>Drain</strong>: the load balancers send no new sessions to {host}; open sessions finish.
              </li>
              <li id={`host-maint-help-${serverId}`}>
                <strong>Maint</strong> (maintenance mode): they stop sending it traffic at once; open connections are
                dropped.
              </li>
            </ul>
            <div className="flex flex-wrap gap-2">
              <Button
                variant="secondary"
                disabled={bulk.busy || mapped === 0}
                title="No new sessions; open ones finish"
                aria-describedby={`host-drain-help-${serverId}`}
                onClick={() => bulk.ask({ command: "drain", selection: { kind: "host", serverId } })}
              >
                Drain all for maintenance
              </Button>
              <Button
                variant="danger"
                disabled={bulk.busy || mapped === 0}
                title="Traffic stops at once; open connections are dropped"
                aria-describedby={`host-maint-help-${serverId}`}
                onClick={() => bulk.ask({ command: "maint", selection: { kind: "host", serverId } })}
              >
                Maint all
              </Button>
            </div>
          </>
        )}
        {bulk.view}
        {open && open.status === "running" ? <BulkProgress id={open.id} /> : null}
      </div>
    </Card>
  );
}
