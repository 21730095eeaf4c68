// The /haproxy page's data: backends of every instance, a page at a time, each with its servers,
// narrowed by instance, server status and a text (backend or server name). A backend whose name
// matches the text shows all its servers; otherwise only the servers whose names match.
import { z } from "zod";
import { HAPROXY_STATUSES } from "../agent/haproxy-contract";
import { db, Prisma } from "../db";
import { bucket, haproxyServerSelect, type StatusCounts } from "./queries";
import { positiveId } from "../../lib/schemas";
import { likePattern } from "../like-pattern";

export const STATUS_FILTERS = [...HAPROXY_STATUSES, "other"] as const;

/** The page's filter; a bulk action's "all matching the filter" takes the same (bulk-selection.ts). */
export const viewFilter = z.object({
  instanceId: positiveId.optional(),
  status: z.enum(STATUS_FILTERS, { error: `must be one of ${STATUS_FILTERS.join(", ")}` }).optional(),
  q: z.string().trim().max(100, "at most 100 characters").optional(),
});
export type ViewFilter = z.output<typeof viewFilter>;

export const viewInput = viewFilter.extend({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(25),
  /** false: backends and their counts only (the page loads a collapsed backend's servers when opened). */
  withServers: z.boolean().default(true),
});
export type ViewInput = z.output<typeof viewInput>;

function statusSql(status: ViewFilter["status"]) {
  if (!status) return Prisma.sql`TRUE`;
  if (status !== "other") return Prisma.sql`s.status = ${status}`;
  return Prisma.sql`(s.status IS NULL OR s.status NOT IN (${Prisma.join([...HAPROXY_STATUSES])}))`;
}

export async function haproxyView(input: ViewInput) {
  const pattern = input.q ? likePattern(input.q) : null;
  const live = Prisma.sql`s.backend_id = b.id AND s.removed_at IS NULL AND ${statusSql(input.status)}`;
  const nameSql = pattern
    ? Prisma.sql`(b.backend_name ILIKE ${pattern} OR EXISTS (SELECT 1 FROM haproxy_servers s WHERE ${live} AND s.server_name ILIKE ${pattern}))`
    : Prisma.sql`TRUE`;
  const statusOnly = input.status
    ? Prisma.sql`EXISTS (SELECT 1 FROM haproxy_servers s WHERE ${live})`
    : Prisma.sql`TRUE`;
  const where = Prisma.sql`b.removed_at IS NULL
    AND ${input.instanceId ? Prisma.sql`b.haproxy_instance_id = ${input.instanceId}` : Prisma.sql`TRUE`}
    AND ${nameSql} AND ${statusOnly}`;

  const [pageRows, [counted]] = await Promise.all([
    db().$queryRaw<{ id: number; name_match: boolean }[]>`
      SELECT b.id, ${pattern ? Prisma.sql`b.backend_name ILIKE ${pattern}` : Prisma.sql`TRUE`} AS name_match
      FROM haproxy_backends b JOIN haproxy_instances i ON i.id = b.haproxy_instance_id
      WHERE ${where}
      ORDER BY i.name, i.id, b.backend_name
      LIMIT ${input.pageSize} OFFSET ${(input.page - 1) * input.pageSize}`,
    db().$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM haproxy_backends b WHERE ${where}`,
  ]);
  const ids = pageRows.map((r) => r.id);
  const whole = pageRows.filter((r) => r.name_match).map((r) => r.id);
  const byName = pageRows.filter((r) => !r.name_match).map((r) => r.id);
  const statusWhere: Prisma.HAProxyServerWhereInput =
    input.status === "other"
      ? { OR: [{ status: null }, { status: { notIn: [...HAPROXY_STATUSES] } }] }
      : input.status
        ? { status: input.status }
        : {};

  const [backends, servers, counts] = ids.length
    ? await Promise.all([
        db().hAProxyBackend.findMany({
          where: { id: { in: ids } },
          select: {
            id: true,
            backendName: true,
            instance: { select: { id: true, name: true, server: { select: { id: true, name: true } } } },
          },
        }),
        !input.withServers
          ? []
          : db().hAProxyServer.findMany({
              where: {
                removedAt: null,
                ...statusWhere,
                OR: [
                  { backendId: { in: whole } },
                  { backendId: { in: byName }, serverName: { contains: input.q ?? "", mode: "insensitive" } },
                ],
              },
              select: { ...haproxyServerSelect, backendId: true },
              orderBy: { serverName: "asc" },
            }),
        db().$queryRaw<{ backend_id: number; status: string | null; n: number }[]>`
          SELECT backend_id, status, count(*)::int AS n FROM haproxy_servers
          WHERE removed_at IS NULL AND backend_id IN (${Prisma.join(ids)}) GROUP BY 1, 2`,
      ])
    : [[], [], []];

  const countsOf = new Map<number, StatusCounts>();
  for (const backendId of ids) countsOf.set(backendId, bucket(counts.filter((c) => c.backend_id === backendId)));
  const order = new Map(ids.map((backendId, index) => [backendId, index]));
  const total = counted?.total ?? 0;
  return {
    items: backends
      .sort((a, b) => order.get(a.id)! - order.get(b.id)!)
      .map((b) => ({ ...b, counts: countsOf.get(b.id)!, servers: servers.filter((s) => s.backendId === b.id) })),
    total,
    page: input.page,
    pageSize: input.pageSize,
    pageCount: Math.max(1, Math.ceil(total / input.pageSize)),
    /** When this was read: open backends on the page re-read their servers when it changes. */
    readAt: new Date(),
  };
}

/**
 * Ids of the live servers the page shows for this filter, across all its pages: those of the
 * status in a backend whose name matches `q`, or whose own name does. At most `limit`, in the
 * page's order.
 */
export async function serversMatchingView(filter: ViewFilter, limit: number): Promise<number[]> {
  const pattern = filter.q ? likePattern(filter.q) : null;
  const rows = await db().$queryRaw<{ id: number }[]>`
    SELECT s.id FROM haproxy_servers s
      JOIN haproxy_backends b ON b.id = s.backend_id
      JOIN haproxy_instances i ON i.id = b.haproxy_instance_id
    WHERE s.removed_at IS NULL AND b.removed_at IS NULL AND ${statusSql(filter.status)}
      AND ${filter.instanceId ? Prisma.sql`b.haproxy_instance_id = ${filter.instanceId}` : Prisma.sql`TRUE`}
      AND ${pattern ? Prisma.sql`(b.backend_name ILIKE ${pattern} OR s.server_name ILIKE ${pattern})` : Prisma.sql`TRUE`}
    ORDER BY i.name, i.id, b.backend_name, s.server_name
    LIMIT ${limit}`;
  return rows.map((r) => r.id);
}
