// Backends as an accordion, one BackendItem each. With a filter the page brings the matching
// servers and every backend opens; without one the backends come collapsed and load on opening.
import type { haproxyView } from "@/server/haproxy/view";
import { BackendItem } from "./backend-item";

type View = Awaited<ReturnType<typeof haproxyView>>;

export function BackendAccordion({
  view,
  expand,
  canCommand,
  canMap,
}: {
  view: View;
  expand: boolean;
  canCommand: boolean;
  canMap: boolean;
}) {
  return (
    <div className="space-y-2" data-testid="backends">
      {view.items.map((b) => (
        <BackendItem
          key={b.id}
          backend={{
            id: b.id,
            backendName: b.backendName,
            instanceName: b.instance.name,
            serverName: b.instance.server.name,
            counts: b.counts,
          }}
          servers={expand ? b.servers : null}
          readAt={view.readAt}
          canCommand={canCommand}
          canMap={canMap}
        />
      ))}
    </div>
  );
}
