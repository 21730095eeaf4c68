import { z } from "zod";
import { pollNow, pollNowInput } from "../inventory/poll-now";
import {
  getServer,
  listServers,
  serverListInput,
  serverOptions,
  serverOptionsInput,
} from "../inventory/queries/server-list";
import { createServer, deleteServer, serverInput, updateServer } from "../inventory/servers";
import { authorized, router } from "../trpc/init";
import { positiveId } from "../../lib/schemas";

const id = z.object({ id: positiveId });

/**
 * A patch: absent fields stay as they are (serverInput's defaults would reset the flags).
 * agentToken: absent keeps it, "" or null clears it.
 */
const serverPatch = id.extend({
  name: serverInput.shape.name.optional(),
  ip: serverInput.shape.ip.optional(),
  port: serverInput.shape.port.optional(),
  isHaproxyNode: z.boolean().optional(),
  isEurekaNode: z.boolean().optional(),
  agentToken: serverInput.shape.agentToken.optional(),
});

export const serversRouter = router({
  list: authorized("inventory.read")
    .input(serverListInput)
    .query(({ input }) => listServers(input)),
  /** Ids and names for filters and pickers: all of a small fleet, a bounded few of a large one. */
  options: authorized("inventory.read")
    .input(serverOptionsInput)
    .query(({ input }) => serverOptions(input)),
  get: authorized("inventory.read")
    .input(id)
    .query(({ input }) => getServer(input.id)),

  create: authorized("servers.manage")
    .input(serverInput)
    .mutation(({ input, ctx }) => createServer(input, ctx.audit)),
  update: authorized("servers.manage")
    .input(serverPatch)
    .mutation(({ input: { id, ...patch }, ctx }) => updateServer(id, patch, ctx.audit)),
  /** Deletes the server and its instances; events and version history stay (see docs/api.md). */
  delete: authorized("servers.manage")
    .input(id)
    .mutation(({ input, ctx }) => deleteServer(input.id, ctx.audit)),

  pollNow: authorized("poll.now")
    .input(pollNowInput)
    .mutation(async ({ input, ctx }) => {
      if (input.all) ctx.audit.describe({ target: { type: "server", label: "all servers" } });
      const result = await pollNow(input);
      ctx.audit.describe({ details: { ...result.summary } });
      return result;
    }),
});
