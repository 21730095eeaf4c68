// The server page's HAProxy entry: a button opening the dialog of the server's HAProxy instances.
// Self-contained (the page passes the server only); nothing shows for a server without any.
import { api } from "@/server/trpc/server-caller";
import { ServerHaproxyDialog } from "./server-haproxy-dialog";

export async function ServerHaproxy({ serverId, serverName }: { serverId: number; serverName: string }) {
  const instances = await (await api()).haproxy.instances({ serverId });
  if (instances.length === 0) return null;
  return <ServerHaproxyDialog serverName={serverName} instances={instances} />;
}
