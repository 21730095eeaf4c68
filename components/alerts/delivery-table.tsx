// A channel's delivery log: each message, its state and its attempts (newest first).
import type { DeliveryItem } from "@/server/alerts/channels";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";

export function DeliveryTable({ deliveries }: { deliveries: DeliveryItem[] }) {
  return (
    <DataTable label="Delivery log">
      <thead className={theadClass}>
        <tr>
          <Th>Message</Th>
          <Th>State</Th>
          <Th>Queued</Th>
          <Th>Attempts</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {deliveries.map((d) => (
          <tr key={d.id}>
            <td className={`${tdClass} whitespace-nowrap`}>
              #{d.id} {d.kind === "test" ? "test" : `${d.firing} firing, ${d.resolved} resolved`}
            </td>
            <td className={tdClass}>
              <StatusBadge status={d.status} />
              {d.status === "queued" && d.nextAttemptAt ? (
                <div className="mt-1 text-xs text-slate-500">
                  next try <RelativeTime date={d.nextAttemptAt} />
                </div>
              ) : null}
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>
              <RelativeTime date={d.createdAt} />
            </td>
            <td className={`${tdClass} min-w-64`}>
              {d.attemptLog.length === 0 ? (
                <span className="text-slate-500">none yet</span>
              ) : (
                <ul className="space-y-1">
                  {d.attemptLog.map((a) => (
                    <li key={a.id} className="text-xs">
                      <span className={a.ok ? "text-emerald-700" : "text-red-700"}>{a.ok ? "ok" : "failed"}</span>
                      {a.code ? ` ${a.code}` : ""} · {a.durationMs} ms · <RelativeTime date={a.at} />
                      {a.error ? <div className="break-words text-slate-600">{a.error}</div> : null}
                    </li>
                  ))}
                </ul>
              )}
              {d.attempts > d.attemptLog.length ? (
                <div className="text-xs text-slate-500">{d.attempts} attempts in all; the last 10 shown</div>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
