// The instance page's HAProxy part: the HAProxy servers mapped to this application instance,
// with their state. Self-contained: the page passes the instance id only.
import Link from "next/link";
import { DataTable, Th, tdClass, theadClass } from "@/components/ui/data-table";
import { api } from "@/server/trpc/server-caller";
import { HaproxyStatus } from "./badges";
import { haproxyServerLabel } from "@/lib/haproxy-label";

export async function InstanceHaproxyServers({ instanceId }: { instanceId: number }) {
  const servers = await (await api()).haproxy.forApplicationInstance({ applicationInstanceId: instanceId });
  return (
    <section className="mt-8" aria-labelledby="instance-haproxy-heading" data-testid="instance-haproxy">
      <h2 id="instance-haproxy-heading" className="mb-3 text-lg font-semibold text-slate-900">
        HAProxy
      </h2>
      {servers.length === 0 ? (
        <p className="text-sm text-slate-500">No HAProxy server is mapped to this instance.</p>
      ) : (
        <DataTable label="HAProxy servers of this instance">
          <thead className={theadClass}>
            <tr>
              <Th>Server</Th>
              <Th>Status</Th>
              <Th>Address</Th>
              <Th className="text-right">Weight</Th>
              <Th className="text-right">Sessions</Th>
              <Th>Mapping</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {servers.map((s) => (
              <tr key={s.id}>
                <td className={tdClass}>
                  <Link href={`/haproxy/servers/${s.id}`} className="font-mono text-xs text-sky-800 hover:underline">
                    {haproxyServerLabel(s.backend.instance.name, s.backend.backendName, s.serverName)}
                  </Link>
                </td>
                <td className={tdClass}>
                  <HaproxyStatus status={s.status} />
                </td>
                <td className={`${tdClass} font-mono text-xs`}>{s.address ?? "—"}</td>
                <td className={`${tdClass} text-right tabular-nums`}>{s.weight ?? "—"}</td>
                <td className={`${tdClass} text-right tabular-nums`}>
                  {s.currentSessions ?? "—"} / {s.maxSessions ?? "∞"}
                </td>
                <td className={`${tdClass} text-xs text-slate-600`} title={s.mappingNote ?? undefined}>
                  {s.mappingType}
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </section>
  );
}
