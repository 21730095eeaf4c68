import { z } from "zod";
import { actorName } from "../auth/actor";
import { bulkStartInput, previewBulk, startBulk } from "../haproxy/bulk";
import { bulkInput } from "../haproxy/bulk-selection";
import { bulkItems, bulkItemsInput, bulkStatus, hostMaintenance, recentBulkActions } from "../haproxy/bulk-status";
import { commandInput, runServerCommand } from "../haproxy/commands";
import {
  actionActors,
  actionListInput,
  historyInput,
  listActions,
  serverDetail,
  serversOfInstance,
  statusHistory,
} from "../haproxy/history";
import { createInstance, deleteInstance, instanceInput, instancePatch, updateInstance } from "../haproxy/instances";
import { liveBackends } from "../haproxy/live-view";
import { mapServer, mappingCandidates, unmapServer } from "../haproxy/mapping";
import {
  backendListInput,
  haproxySummary,
  instanceListInput,
  listBackends,
  listInstances,
  listServers,
  serverListInput,
} from "../haproxy/queries";
import { startSync, syncProgress } from "../haproxy/sync";
import { haproxyView, viewInput } from "../haproxy/view";
import { authorized, router } from "../trpc/init";
import { positiveId as id } from "../../lib/schemas";

const instanceId = z.object({ instanceId: id });
const serverId = z.object({ haproxyServerId: id });

export const haproxyRouter = router({
  /** Fleet-wide counts: instances (active, failing, breaker not closed), backends, servers by status; `enabled`. */
  summary: authorized("haproxy.read").query(() => haproxySummary()),
  /** Instances (optionally of one server) with last sync, breaker state, a running sync's progress, server counts. */
  instances: authorized("haproxy.read")
    .input(instanceListInput)
    .query(({ input }) => listInstances(input)),
  /** Backends of an instance with server counts by status; removed ones only with includeRemoved. */
  backends: authorized("haproxy.read")
    .input(backendListInput)
    .query(({ input }) => listBackends(input)),
  /** Servers of a backend with their mapping; removed ones only with includeRemoved. */
  servers: authorized("haproxy.read")
    .input(serverListInput)
    .query(({ input }) => listServers(input)),
  /** The /haproxy page: backends a page at a time with their servers, filtered by instance, status, text. */
  view: authorized("haproxy.read")
    .input(viewInput)
    .query(({ input }) => haproxyView(input)),
  /** An instance's backends as the agent reports them now (cached); the stored ones, with the error, when it cannot be read. */
  liveBackends: authorized("haproxy.read")
    .input(instanceId)
    .query(({ input }) => liveBackends(input.instanceId)),
  /** One server: state, mapping, backend and instance. */
  server: authorized("haproxy.read")
    .input(serverId)
    .query(({ input }) => serverDetail(input.haproxyServerId)),
  /** A server's status changes, newest first. */
  statusHistory: authorized("haproxy.read")
    .input(historyInput)
    .query(({ input }) => statusHistory(input)),
  /** HAProxy servers mapped to one application instance. */
  forApplicationInstance: authorized("haproxy.read")
    .input(z.object({ applicationInstanceId: id }))
    .query(({ input }) => serversOfInstance(input.applicationInstanceId)),
  /** Every command attempt (success, failed, refused), newest first. */
  actions: authorized("haproxy.read")
    .input(actionListInput)
    .query(({ input }) => listActions(input)),
  actionActors: authorized("haproxy.read").query(() => actionActors()),

  /** Starts a sync and returns at once; `instances` shows its progress, then last_sync_*. */
  syncNow: authorized("haproxy.sync")
    .input(instanceId)
    .mutation(async ({ input, ctx }) => {
      const started = await startSync(input.instanceId);
      ctx.audit.describe({ details: { alreadyRunning: started.alreadyRunning } });
      return started;
    }),
  /** The running sync of an instance, or null when none runs. */
  syncStatus: authorized("haproxy.read")
    .input(instanceId)
    .query(({ input }) => ({ running: syncProgress(input.instanceId) })),
  /** drain / ready / maint: ok false with the agent's reason on failure. A caller without the role is logged as refused. */
  command: authorized("haproxy.command")
    .input(commandInput)
    .mutation(({ input, ctx }) => runServerCommand({ ...input, actor: actorName(ctx.actor), audit: ctx.audit })),
  /** What a bulk action would touch: count, load balancers, the first servers by name; refuses beyond the cap. */
  bulkPreview: authorized("haproxy.bulk")
    .input(bulkInput)
    .query(({ input }) => previewBulk(input)),
  /** Starts a bulk drain / ready / maint (or a host's maintenance, or its end) and returns its id at once. */
  bulkStart: authorized("haproxy.bulk")
    .input(bulkStartInput)
    .mutation(({ input, ctx }) => startBulk(input, actorName(ctx.actor))),
  /** One bulk action with its counts per item result; poll it until status is not running. */
  bulkStatus: authorized("haproxy.read")
    .input(z.object({ id }))
    .query(({ input }) => bulkStatus(input.id)),
  /** A bulk action's items, a keyset page at a time, optionally of one result. */
  bulkItems: authorized("haproxy.read")
    .input(bulkItemsInput)
    .query(({ input }) => bulkItems(input)),
  /** The 50 newest bulk actions. */
  bulkActions: authorized("haproxy.read").query(() => recentBulkActions()),
  /** A server's host maintenance: HAProxy servers mapped to its instances, and the open maintenance. */
  hostMaintenance: authorized("haproxy.read")
    .input(z.object({ serverId: id }))
    .query(({ input }) => hostMaintenance(input.serverId)),
  /** Instances to offer when mapping a server: those on the host its address names, then name matches of q. */
  mappingCandidates: authorized("haproxy.map")
    .input(serverId.extend({ q: z.string().trim().max(100).optional() }))
    .query(({ input }) => mappingCandidates(input.haproxyServerId, input.q)),
  /** Manual mapping: wins over auto-mapping, which never overwrites it. */
  map: authorized("haproxy.map")
    .input(serverId.extend({ applicationInstanceId: id }))
    .mutation(({ input, ctx }) =>
      mapServer(input.haproxyServerId, input.applicationInstanceId, actorName(ctx.actor), ctx.audit),
    ),
  /** Removes the mapping; auto-mapping decides again at once. */
  unmap: authorized("haproxy.map")
    .input(serverId)
    .mutation(({ input, ctx }) => unmapServer(input.haproxyServerId, actorName(ctx.actor), ctx.audit)),

  createInstance: authorized("haproxy.manage")
    .input(instanceInput)
    .mutation(({ input, ctx }) => createInstance(input, ctx.audit)),
  updateInstance: authorized("haproxy.manage")
    .input(instancePatch)
    .mutation(({ input, ctx }) => updateInstance(input, ctx.audit)),
  /** Deletes the instance with its backends, servers and status history; the action log stays. */
  deleteInstance: authorized("haproxy.manage")
    .input(z.object({ id }))
    .mutation(({ input, ctx }) => deleteInstance(input.id, ctx.audit)),
});
