// Servers as the pages show them: the list with instance counts per status, and one server
// with its applications per type, last error and status timeline.
import { z } from "zod";
import { db, Prisma } from "../../db";
import { notFound } from "../../errors";
import { likeExact } from "../../like-pattern";
import { AppType, ServerStatus, type InstanceStatus } from "../../generated/prisma/enums";
import { pageArgs, pageInput, pageResult } from "../../pagination";
import { serverSelect } from "../servers";
import { SERVER_SELECT_LIMIT } from "../../../lib/server-filter";
import { positiveId } from "../../../lib/schemas";
import { eventSelect } from "./events";
import { currentVersion, instanceListSelect } from "./instance-shape";

export const serverSorts = ["name", "status", "lastCheck", "address"] as const;

export const serverListInput = pageInput.extend({
  /** Part of the name or IP address. */
  q: z.string().trim().max(100, "at most 100 characters").optional(),
  status: z.enum(ServerStatus, { error: `must be one of ${Object.values(ServerStatus).join(", ")}` }).optional(),
  sort: z.enum(serverSorts, { error: `must be one of ${serverSorts.join(", ")}` }).default("name"),
  dir: z.enum(["asc", "desc"], { error: "must be asc or desc" }).default("asc"),
});

function orderBy(sort: (typeof serverSorts)[number], dir: Prisma.SortOrder): Prisma.ServerOrderByWithRelationInput[] {
  const then = [{ name: "asc" as const }, { id: "asc" as const }];
  if (sort === "status") return [{ status: dir }, ...then];
  if (sort === "lastCheck") return [{ lastCheck: { sort: dir, nulls: "last" } }, ...then];
  if (sort === "address") return [{ ip: dir }, { port: dir }, { id: "asc" }];
  return [{ name: dir }, { id: "asc" }];
}

type InstanceCounts = Partial<Record<InstanceStatus, number>>;

async function instanceCounts(serverIds: number[]): Promise<Map<number, InstanceCounts>> {
  const rows = await db().applicationInstance.groupBy({
    by: ["serverId", "status"],
    where: { serverId: { in: serverIds } },
    _count: { _all: true },
  });
  const counts = new Map<number, InstanceCounts>();
  for (const row of rows) counts.set(row.serverId, { ...counts.get(row.serverId), [row.status]: row._count._all });
  return counts;
}

export async function listServers(input: z.output<typeof serverListInput>) {
  const where: Prisma.ServerWhereInput = {
    ...(input.q ? { OR: [{ name: { contains: input.q, mode: "insensitive" } }, { ip: { contains: input.q } }] } : {}),
    ...(input.status ? { status: input.status } : {}),
  };
  const [servers, total] = await Promise.all([
    db().server.findMany({ where, select: serverSelect, orderBy: orderBy(input.sort, input.dir), ...pageArgs(input) }),
    db().server.count({ where }),
  ]);
  const counts = await instanceCounts(servers.map((s) => s.id));
  const items = servers.map((server) => {
    const byStatus = counts.get(server.id) ?? {};
    return { ...server, instanceCounts: byStatus, instanceTotal: Object.values(byStatus).reduce((a, b) => a + b, 0) };
  });
  return pageResult(items, total, input);
}

export const serverOptionsInput = z
  .object({
    /** A server to include whatever its place by name: the one a filter names (any case) or links to. */
    name: z.string().trim().max(100, "at most 100 characters").optional(),
    id: positiveId.optional(),
    /** In a large fleet, the servers flagged as HAProxy nodes (the instance form) rather than the first by name. */
    haproxyNodes: z.boolean().default(false),
  })
  .default({ haproxyNodes: false });

const optionSelect = { id: true, name: true } satisfies Prisma.ServerSelect;
const byName = { name: "asc" } as const;

/**
 * Ids and names for filter and form choices: every server of a fleet of up to SERVER_SELECT_LIMIT
 * (a select); in a larger one, where the filter is a text field (lib/server-filter.ts), the first
 * SERVER_SELECT_LIMIT + 1 by name (the field's example, and enough to tell the fleet is larger)
 * and the server asked for by name or id. 20,000 names a page view cost the applications page
 * 20–50 ms (docs/performance.md, "Inventory pages at 500,000 instances").
 */
export async function serverOptions(input: z.output<typeof serverOptionsInput>) {
  const first = await db().server.findMany({ select: optionSelect, orderBy: byName, take: SERVER_SELECT_LIMIT + 1 });
  if (first.length <= SERVER_SELECT_LIMIT) return first;
  const [asked, nodes] = await Promise.all([
    input.name || input.id
      ? db().server.findMany({
          where: {
            OR: [
              ...(input.id ? [{ id: input.id }] : []),
              ...(input.name ? [{ name: { equals: likeExact(input.name), mode: "insensitive" as const } }] : []),
            ],
          },
          select: optionSelect,
        })
      : [],
    input.haproxyNodes
      ? db().server.findMany({ where: { isHaproxyNode: true }, select: optionSelect, orderBy: byName, take: 1000 })
      : [],
  ]);
  // With no node flagged yet, the first by name: a server becomes a node as an instance is registered on it.
  const listed = nodes.length ? nodes : first;
  const known = new Set(listed.map((s) => s.id));
  return [...listed, ...asked.filter((s) => !known.has(s.id))];
}

const STATUS_EVENTS = 30;

export async function getServer(id: number) {
  const server = await db().server.findUnique({
    where: { id },
    select: { ...serverSelect, updatedAt: true, agentToken: true, agentCoercions: true },
  });
  if (!server) throw notFound("Server");
  const [instances, statusEvents] = await Promise.all([
    db().applicationInstance.findMany({
      where: { serverId: id },
      select: instanceListSelect,
      orderBy: [{ instanceName: "asc" }, { id: "asc" }],
    }),
    db().event.findMany({
      where: { serverId: id, eventType: { in: ["connect", "disconnect"] } },
      select: eventSelect,
      orderBy: [{ timestamp: "desc" }, { id: "desc" }],
      take: STATUS_EVENTS,
    }),
  ]);
  const { agentToken, agentCoercions, ...safe } = server; // the token never leaves the server; the form only needs to know one is set
  const byType = Object.values(AppType)
    .map((appType) => ({
      appType,
      instances: instances
        .filter((row) => row.appType === appType)
        .map((row) => ({ ...row, currentVersion: currentVersion(row) })),
    }))
    .filter((group) => group.instances.length > 0);
  const counts: InstanceCounts = {};
  for (const row of instances) counts[row.status] = (counts[row.status] ?? 0) + 1;
  return {
    ...safe,
    hasAgentToken: !!agentToken,
    agentCoercions: coercionCounts(agentCoercions),
    instanceCounts: counts,
    instanceTotal: instances.length,
    byType,
    statusEvents,
  };
}

export type ServerDetail = Awaited<ReturnType<typeof getServer>>;

/** agent_coercions is JSON written by the poller (store.ts); read it defensively. */
const coercionCounts = (value: unknown): [field: string, count: number][] =>
  value && typeof value === "object" && !Array.isArray(value)
    ? Object.entries(value).filter((e): e is [string, number] => typeof e[1] === "number" && e[1] > 0)
    : [];
