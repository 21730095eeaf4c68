// The event log as a table; server and instance link to their pages while they exist
// (the description names them either way).
import Link from "next/link";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { EmptyState } from "@/components/ui/states";
import type { EventItem } from "@/server/inventory/queries/events";

const link = "text-sky-800 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";

export function EventList({
  events,
  empty = "No events yet",
  showServer = true,
}: {
  events: EventItem[];
  empty?: string;
  showServer?: boolean;
}) {
  if (events.length === 0) return <EmptyState title={empty} />;
  return (
    <DataTable label="Events">
      <thead className={theadClass}>
        <tr>
          <Th>Time</Th>
          <Th>Event</Th>
          {showServer ? <Th>Server</Th> : null}
          <Th>Instance</Th>
          <Th>Description</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {events.map((event) => (
          <tr key={event.id} data-testid="event-row">
            <td className={`${tdClass} whitespace-nowrap`}>
              <RelativeTime date={event.timestamp} />
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>
              <span className="mr-2 font-medium">{event.eventType}</span>
              {event.status ? <StatusBadge status={event.status} /> : null}
            </td>
            {showServer ? (
              <td className={tdClass}>
                {event.server ? (
                  <Link className={link} href={`/servers/${event.server.id}`}>
                    {event.server.name}
                  </Link>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
            ) : null}
            <td className={tdClass}>
              {event.instance ? (
                <Link className={link} href={`/applications/${event.instance.id}`}>
                  {event.instance.instanceName}
                </Link>
              ) : (
                <span className="text-slate-400">—</span>
              )}
            </td>
            {/* Wide enough for a description in one or two lines: at 256 px rows were 3-6 lines tall. */}
            <td className={`${tdClass} min-w-96 text-slate-700`}>{event.description}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
