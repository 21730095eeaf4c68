// The refresh picker with the choice the user last made; `kinds`: the changes the page shows
// (lib/live-kinds.ts), which Live follows.
import { liveKinds, type LiveKind } from "@/lib/live-kinds";
import { api } from "@/server/trpc/server-caller";
import { AutoRefreshControl } from "./auto-refresh-control";

export async function AutoRefresh({ kinds = [...liveKinds] }: { kinds?: LiveKind[] }) {
  const me = await (await api()).users.me();
  return <AutoRefreshControl initialSeconds={me.refreshSeconds} kinds={kinds} />;
}
