// One backend's servers: address, status, weight, sessions, the mapped application and, for
// operators, the commands and the mapping controls.
import Link from "next/link";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import type { haproxyServerSelect } from "@/server/haproxy/queries";
import type { Prisma } from "@/server/db";
import { HaproxyStatus } from "./badges";
import { SelectServer } from "./bulk-selection";
import { MapDialog } from "./map-dialog";
import { ServerActions } from "./server-actions";

export type ServerRow = Prisma.HAProxyServerGetPayload<{ select: typeof haproxyServerSelect }>;

export function Mapping({ server }: { server: ServerRow }) {
  const app = server.applicationInstance;
  if (!app)
    return (
      <span className="text-xs text-slate-500" title={server.mappingNote ?? undefined}>
        {server.mappingNote ? `unmapped: ${server.mappingNote}` : "unmapped"}
      </span>
    );
  return (
    <span className="text-sm">
      <Link href={`/applications/${app.id}`} className="text-sky-800 hover:underline">
        {app.instanceName}
      </Link>
      <span className="text-xs text-slate-500"> on {app.server.name}</span>{" "}
      <span className="rounded bg-slate-100 px-1 text-xs text-slate-600" title={server.mappingNote ?? undefined}>
        {server.mappingType}
      </span>
    </span>
  );
}

export function ServersTable({
  servers,
  prefix,
  canCommand,
  canMap,
}: {
  servers: ServerRow[];
  prefix: string;
  canCommand: boolean;
  canMap: boolean;
}) {
  return (
    <DataTable label={`Servers of ${prefix}`}>
      <thead className={theadClass}>
        <tr>
          {canCommand ? (
            <Th>
              <span className="sr-only">Select</span>
            </Th>
          ) : null}
          <Th>Server</Th>
          <Th>Address</Th>
          <Th>Status</Th>
          <Th className="text-right">Weight</Th>
          <Th className="text-right">Sessions</Th>
          <Th>Application</Th>
          {canCommand || canMap ? <Th>Actions</Th> : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {servers.map((s) => {
          const label = `${prefix}/${s.serverName}`;
          return (
            <tr key={s.id} data-testid="haproxy-server" data-server={label}>
              {canCommand ? (
                <td className={tdClass}>
                  <SelectServer id={s.id} label={label} />
                </td>
              ) : null}
              <td className={`${tdClass} font-medium`}>
                <Link href={`/haproxy/servers/${s.id}`} className="text-sky-800 hover:underline">
                  {s.serverName}
                </Link>
              </td>
              <td className={`${tdClass} whitespace-nowrap font-mono text-xs`}>{s.address ?? "—"}</td>
              <td className={tdClass} data-testid="haproxy-status">
                <HaproxyStatus status={s.status} />
                {s.lastStatusChange ? (
                  <span className="block text-xs text-slate-500">
                    <RelativeTime date={s.lastStatusChange} />
                  </span>
                ) : null}
              </td>
              <td className={`${tdClass} text-right tabular-nums`}>{s.weight ?? "—"}</td>
              <td className={`${tdClass} whitespace-nowrap text-right tabular-nums`}>
                {s.currentSessions ?? "—"} / {s.maxSessions ?? "∞"}
              </td>
              <td className={tdClass}>
                <Mapping server={s} />
              </td>
              {canCommand || canMap ? (
                <td className={tdClass}>
                  <div className="flex flex-wrap items-start gap-2">
                    {canCommand ? <ServerActions serverId={s.id} label={label} status={s.status} /> : null}
                    {canMap ? <MapDialog serverId={s.id} label={label} mapped={!!s.applicationInstance} /> : null}
                  </div>
                </td>
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </DataTable>
  );
}
