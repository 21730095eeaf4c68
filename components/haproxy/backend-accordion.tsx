// Backends as an accordion (native <details>: keyboard and screen readers work without script;
// a refresh keeps what the user opened). Each header shows the instance, the backend and its
// servers by status; the body is the servers table.
import type { haproxyView } from "@/server/haproxy/view";
import { StatusCountList } from "./badges";
import { ServersTable } from "./servers-table";

type Backend = Awaited<ReturnType<typeof haproxyView>>["items"][number];

export function BackendAccordion({ backends, expand, canCommand, canMap }: { backends: Backend[]; expand: boolean; canCommand: boolean; canMap: boolean }) {
  return (
    <div className="space-y-2" data-testid="backends">
      {backends.map((b) => {
        const prefix = `${b.instance.name}/${b.backendName}`;
        return (
          <details key={b.id} open={expand || undefined} className="group rounded-lg border border-slate-200 bg-white" data-testid="backend" data-backend={prefix}>
            <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-4 gap-y-1 rounded-lg px-4 py-3 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500">
              <span aria-hidden="true" className="text-slate-400 transition-transform group-open:rotate-90">▶</span>
              <span className="font-medium text-slate-900">
                <span className="text-slate-500">{b.instance.name} /</span> {b.backendName}
              </span>
              <StatusCountList counts={b.counts} label={`Servers of ${prefix} by status`} />
              <span className="ml-auto text-xs text-slate-500">on {b.instance.server.name}</span>
            </summary>
            <div className="border-t border-slate-100 p-3">
              {b.servers.length === 0 ? (
                <p className="text-sm text-slate-500">No servers{expand ? " match the filters" : ""}.</p>
              ) : (
                <ServersTable servers={b.servers} prefix={prefix} canCommand={canCommand} canMap={canMap} />
              )}
            </div>
          </details>
        );
      })}
    </div>
  );
}
