// The auto-refresh picker with the interval the user last chose.
import { api } from "@/server/trpc/server-caller";
import { AutoRefreshControl } from "./auto-refresh-control";

export async function AutoRefresh() {
  const me = await (await api()).users.me();
  return <AutoRefreshControl initialSeconds={me.refreshSeconds} />;
}
