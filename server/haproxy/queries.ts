// What the HAProxy API reads from the database: the fleet-wide summary, instances with their
// sync and breaker state, backends of an instance, servers of a backend with their mapping.
import { z } from "zod";
import { HAPROXY_STATUSES, isKnownStatus } from "../agent/haproxy-contract";
import { db, Prisma } from "../db";
import { notFound } from "../errors";
import { describeFilter } from "./backend-filter";
import { instanceBreakers } from "./live";
import { haproxyOptions } from "./settings";
import { syncProgress } from "./sync";
import { positiveId as id } from "../../lib/schemas";

/** Server counts per status; statuses AC does not know are counted as "other". */
export type StatusCounts = Record<(typeof HAPROXY_STATUSES)[number] | "other", number>;
const emptyCounts = (): StatusCounts => ({ UP: 0, DOWN: 0, DRAIN: 0, MAINT: 0, NOLB: 0, other: 0 });
export function bucket(rows: { status: string | null; n: number }[]): StatusCounts {
  const counts = emptyCounts();
  for (const r of rows) counts[isKnownStatus(r.status) ? r.status : "other"] += r.n;
  return counts;
}
const total = (c: StatusCounts) => Object.values(c).reduce((a, b) => a + b, 0);

/** Live servers of live backends, counted per `key` (an instance or a backend) and status. */
async function countsBy(key: "instance" | "backend", where: Prisma.Sql): Promise<Map<number, StatusCounts>> {
  const column = key === "instance" ? Prisma.sql`b.haproxy_instance_id` : Prisma.sql`b.id`;
  const rows = await db().$queryRaw<{ key: number; status: string | null; n: number }[]>`
    SELECT ${column} AS key, s.status, count(*)::int AS n
    FROM haproxy_servers s JOIN haproxy_backends b ON b.id = s.backend_id
    WHERE s.removed_at IS NULL AND b.removed_at IS NULL AND ${where}
    GROUP BY 1, 2`;
  const grouped = new Map<number, { status: string | null; n: number }[]>();
  for (const r of rows) grouped.set(r.key, [...(grouped.get(r.key) ?? []), r]);
  return new Map([...grouped].map(([k, list]) => [k, bucket(list)]));
}

export async function haproxySummary() {
  const [instances, backends, servers] = await Promise.all([
    db().hAProxyInstance.findMany({ select: { id: true, isActive: true, lastSyncSuccess: true, lastSyncAt: true } }),
    db().hAProxyBackend.count({ where: { removedAt: null } }),
    // Live servers only live in live backends (store.ts): no join needed. One pass counts both,
    // the statuses and the mapped (two passes were 15-30 ms each at 20,000 servers, docs/performance.md).
    db().$queryRaw<{ status: string | null; n: number; mapped: number }[]>`
      SELECT status, count(*)::int AS n, count(application_instance_id)::int AS mapped
      FROM haproxy_servers WHERE removed_at IS NULL GROUP BY 1`,
  ]);
  const byStatus = bucket(servers);
  const mapped = servers.reduce((sum, row) => sum + row.mapped, 0);
  const breakers = [...(await instanceBreakers(instances.map((i) => i.id))).values()].map((b) => b.state);
  return {
    enabled: haproxyOptions().enabled,
    instances: {
      total: instances.length,
      active: instances.filter((i) => i.isActive).length,
      failing: instances.filter((i) => i.lastSyncSuccess === false).length,
      breakerOpen: breakers.filter((s) => s !== "closed").length,
    },
    backends,
    servers: { total: total(byStatus), byStatus, mapped },
    lastSyncAt: instances.reduce<Date | null>(
      (latest, i) => (i.lastSyncAt && (!latest || i.lastSyncAt > latest) ? i.lastSyncAt : latest),
      null,
    ),
  };
}

export const instanceListInput = z.object({ serverId: id.optional() }).default({});

export async function listInstances(input: z.output<typeof instanceListInput>) {
  const rows = await db().hAProxyInstance.findMany({
    where: input.serverId ? { serverId: input.serverId } : {},
    select: {
      id: true,
      name: true,
      isActive: true,
      socketPath: true,
      backendFilter: true,
      lastSyncAt: true,
      lastSyncSuccess: true,
      lastSyncError: true,
      createdAt: true,
      server: { select: { id: true, name: true, ip: true, port: true, status: true } },
      _count: { select: { backends: { where: { removedAt: null } } } },
    },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  const ids = rows.map((r) => r.id);
  const counts = ids.length
    ? await countsBy("instance", Prisma.sql`b.haproxy_instance_id IN (${Prisma.join(ids)})`)
    : new Map();
  const breakers = await instanceBreakers(ids);
  return rows.map(({ _count, ...r }) => ({
    ...r,
    selection: describeFilter(r.backendFilter),
    backendCount: _count.backends,
    servers: counts.get(r.id) ?? emptyCounts(),
    breaker: breakers.get(r.id)!,
    syncing: syncProgress(r.id),
  }));
}

export const backendListInput = z.object({ instanceId: id, includeRemoved: z.boolean().default(false) });

export async function listBackends(input: z.output<typeof backendListInput>) {
  const instance = await db().hAProxyInstance.findUnique({
    where: { id: input.instanceId },
    select: { id: true, name: true },
  });
  if (!instance) throw notFound("HAProxy instance");
  const backends = await db().hAProxyBackend.findMany({
    where: { haproxyInstanceId: input.instanceId, ...(input.includeRemoved ? {} : { removedAt: null }) },
    select: { id: true, backendName: true, removedAt: true, createdAt: true, updatedAt: true },
    orderBy: { backendName: "asc" },
  });
  const counts = await countsBy("backend", Prisma.sql`b.haproxy_instance_id = ${input.instanceId}`);
  return { instance, backends: backends.map((b) => ({ ...b, servers: counts.get(b.id) ?? emptyCounts() })) };
}

export const serverListInput = z.object({ backendId: id, includeRemoved: z.boolean().default(false) });

export const haproxyServerSelect = {
  id: true,
  serverName: true,
  address: true,
  status: true,
  weight: true,
  currentSessions: true,
  maxSessions: true,
  removedAt: true,
  lastStatusChange: true,
  mappingType: true,
  mappingNote: true,
  applicationInstance: {
    select: { id: true, instanceName: true, status: true, server: { select: { id: true, name: true } } },
  },
} satisfies Prisma.HAProxyServerSelect;

export async function listServers(input: z.output<typeof serverListInput>) {
  const backend = await db().hAProxyBackend.findUnique({
    where: { id: input.backendId },
    select: { id: true, backendName: true, removedAt: true, instance: { select: { id: true, name: true } } },
  });
  if (!backend) throw notFound("HAProxy backend");
  const servers = await db().hAProxyServer.findMany({
    where: { backendId: input.backendId, ...(input.includeRemoved ? {} : { removedAt: null }) },
    select: haproxyServerSelect,
    orderBy: { serverName: "asc" },
  });
  return { backend, servers };
}
