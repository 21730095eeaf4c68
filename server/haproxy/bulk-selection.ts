// What a bulk action touches: explicit HAProxy servers, everything the /haproxy page's filter
// matches, one backend, or a host's maintenance (every live HAProxy server mapped to an
// application instance on one AC server, on every load balancer) and its end (exactly the
// servers that maintenance took out). Bounded by bulkMaxItems (docs/haproxy.md, "Bulk actions
// and host maintenance").
import { z } from "zod";
import { HAPROXY_COMMANDS, type HaproxyCommand } from "../agent/haproxy-contract";
import { db, type Prisma } from "../db";
import { AppError, notFound } from "../errors";
import { haproxyOptions } from "./settings";
import { serversMatchingView, viewFilter } from "./view";
import { positiveId } from "../../lib/schemas";
import { haproxyServerLabel } from "../../lib/haproxy-label";

/** The most ids a script may name; the cap on items (bulkMaxItems) is checked after resolving. */
const MAX_IDS = 5_000;

export const bulkSelection = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("servers"),
    ids: z.array(positiveId).min(1, "select at least one server").max(MAX_IDS, `at most ${MAX_IDS} servers`),
  }),
  viewFilter.extend({ kind: z.literal("filter") }),
  z.object({ kind: z.literal("backend"), backendId: positiveId }),
  z.object({ kind: z.literal("host"), serverId: positiveId }),
  z.object({ kind: z.literal("host_end"), serverId: positiveId }),
]);
export type BulkSelection = z.output<typeof bulkSelection>;

export const bulkInput = z.object({
  selection: bulkSelection,
  command: z.enum(HAPROXY_COMMANDS, { error: `must be one of ${HAPROXY_COMMANDS.join(", ")}` }),
});
export type BulkInput = z.output<typeof bulkInput>;

export type BulkTarget = {
  haproxyServerId: number;
  haproxyInstanceId: number;
  instanceName: string;
  backendName: string;
  serverName: string;
  label: string;
  /** As of the last sync or command. */
  status: string | null;
};

export type ResolvedSelection = {
  description: string;
  /** Host maintenance (and its end): the AC server. */
  hostServerId: number | null;
  /** host_end: the maintenance it ends. */
  maintenanceId: number | null;
  targets: BulkTarget[];
};

const targetSelect = {
  id: true,
  serverName: true,
  status: true,
  backend: { select: { backendName: true, instance: { select: { id: true, name: true } } } },
} as const;

/** The open (not ended) host maintenance of an AC server, if any. */
export const openMaintenance = (serverId: number) =>
  db().hAProxyBulkAction.findFirst({
    where: { kind: "host", hostServerId: serverId, endedById: null },
    orderBy: { id: "desc" },
    select: { id: true, status: true, actor: true, createdAt: true, command: true },
  });

function checkCommand(selection: BulkSelection, command: HaproxyCommand) {
  if (selection.kind === "host" && command === "ready")
    throw new AppError("BAD_REQUEST", "Host maintenance drains or maints; end the maintenance to ready its servers");
  if (selection.kind === "host_end" && command !== "ready")
    throw new AppError("BAD_REQUEST", "Ending a host maintenance readies its servers: the command is ready");
}

/** Resolves the selection to live servers, in instance / backend / server order; refuses more than the cap. */
export async function resolveSelection({ selection, command }: BulkInput): Promise<ResolvedSelection> {
  checkCommand(selection, command);
  const max = haproxyOptions().bulkMaxItems;
  const live = { removedAt: null, backend: { removedAt: null } };
  let description: string;
  let hostServerId: number | null = null;
  let maintenanceId: number | null = null;
  let ids: number[] | null = null;
  let where: Prisma.HAProxyServerWhereInput;
  switch (selection.kind) {
    case "servers":
      description = "selected servers"; // unknown or removed ones drop out: the count says how many are left
      where = { id: { in: selection.ids }, ...live };
      break;
    case "filter":
      ids = await serversMatchingView(selection, max + 1);
      description = `servers matching ${await describeFilter(selection)}`;
      where = { id: { in: ids }, ...live };
      break;
    case "backend": {
      const backend = await db().hAProxyBackend.findUnique({
        where: { id: selection.backendId },
        select: { backendName: true, instance: { select: { name: true } } },
      });
      if (!backend) throw notFound("HAProxy backend");
      description = `backend ${backend.instance.name}/${backend.backendName}`;
      where = { backendId: selection.backendId, ...live };
      break;
    }
    case "host":
    case "host_end": {
      const server = await db().server.findUnique({ where: { id: selection.serverId }, select: { name: true } });
      if (!server) throw notFound("Server");
      hostServerId = selection.serverId;
      const open = await openMaintenance(selection.serverId);
      if (selection.kind === "host") {
        if (open)
          throw new AppError(
            "CONFLICT",
            `${server.name} is in host maintenance already (by ${open.actor}); end it first`,
          );
        description = `host maintenance of ${server.name}`;
        where = { applicationInstance: { serverId: selection.serverId }, ...live };
      } else {
        if (!open) throw new AppError("CONFLICT", `${server.name} is not in host maintenance`);
        if (open.status === "running")
          throw new AppError(
            "CONFLICT",
            `The host maintenance of ${server.name} is still running; wait for it to finish`,
          );
        maintenanceId = open.id;
        description = `end of the host maintenance of ${server.name}`;
        // Exactly the servers the maintenance took out; removed ones cannot be readied.
        const taken = await db().hAProxyBulkItem.findMany({
          where: { bulkActionId: open.id, result: "success" },
          select: { haproxyServerId: true },
        });
        where = { id: { in: taken.map((t) => t.haproxyServerId) }, ...live };
      }
      break;
    }
  }
  const rows = await db().hAProxyServer.findMany({
    where,
    select: targetSelect,
    orderBy: [{ backend: { instance: { name: "asc" } } }, { backend: { backendName: "asc" } }, { serverName: "asc" }],
    take: max + 1,
  });
  if (rows.length > max || (ids?.length ?? 0) > max)
    throw new AppError(
      "BAD_REQUEST",
      `This selects more than ${max.toLocaleString("en")} HAProxy servers; a bulk action touches at most ${max.toLocaleString("en")}: narrow the selection`,
    );
  const targets = rows.map((r) => ({
    haproxyServerId: r.id,
    haproxyInstanceId: r.backend.instance.id,
    instanceName: r.backend.instance.name,
    backendName: r.backend.backendName,
    serverName: r.serverName,
    label: haproxyServerLabel(r.backend.instance.name, r.backend.backendName, r.serverName),
    status: r.status,
  }));
  return { description, hostServerId, maintenanceId, targets };
}

async function describeFilter(f: z.output<typeof viewFilter>): Promise<string> {
  const instance = f.instanceId
    ? await db().hAProxyInstance.findUnique({ where: { id: f.instanceId }, select: { name: true } })
    : null;
  const parts = [
    f.instanceId ? `instance ${instance?.name ?? `#${f.instanceId}`}` : null,
    f.status ? `status ${f.status}` : null,
    f.q ? `name "${f.q}"` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "no filter (all)";
}
