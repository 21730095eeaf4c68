// The fleet-wide applications list: filters, five sort orders and keyset pagination, built to
// stay fast at 500,000 instances. One raw query finds the page's ids in index order (Prisma
// cannot express the row comparison), then Prisma loads the rows in the shared select shape.
import { z } from "zod";
import { db, Prisma } from "../../db";
import { AppType, InstanceStatus } from "../../generated/prisma/enums";
import { decodeCursor, keySelect, keysetClauses, pageCursors, type KeyColumn } from "./keyset";
import { currentVersion, instanceListSelect, versionSql } from "./instance-shape";
import { positiveId as id } from "../../../lib/schemas";
import { likePattern } from "../../like-pattern";

export const instanceSorts = ["name", "server", "status", "version", "lastSeen"] as const;
export type InstanceSort = (typeof instanceSorts)[number];

export const instanceListInput = z.object({
  serverId: id.optional(),
  groupId: id.optional(),
  catalogId: id.optional(),
  appType: z.enum(AppType, { error: `must be one of ${Object.values(AppType).join(", ")}` }).optional(),
  status: z.enum(InstanceStatus, { error: `must be one of ${Object.values(InstanceStatus).join(", ")}` }).optional(),
  /** Part of the instance name, image, version or tag (case does not matter). */
  q: z.string().trim().max(100, "at most 100 characters").optional(),
  sort: z.enum(instanceSorts, { error: `must be one of ${instanceSorts.join(", ")}` }).default("name"),
  dir: z.enum(["asc", "desc"], { error: "must be asc or desc" }).default("asc"),
  limit: z.number().int().min(1).max(200, "at most 200 rows a page").default(50),
  /** nextCursor or prevCursor of a previous page, with the same sort and dir. */
  cursor: z.string().max(2000).optional(),
});

export type InstanceListInput = z.output<typeof instanceListInput>;

const i = (column: string) => Prisma.raw(`i.${column}`);
const byName = [
  { expr: i("instance_name"), type: "text" },
  { expr: i("id"), type: "int" },
] satisfies KeyColumn[];

/** Each sort order's key; the instance name then the id break ties, so every order is total. */
const sortKeys: Record<InstanceSort, KeyColumn[]> = {
  name: byName,
  server: [{ expr: Prisma.raw("s.name"), type: "text" }, ...byName],
  status: [{ expr: i("status"), type: '"InstanceStatus"' }, ...byName],
  // No version sorts before any version ascending (an empty string, not NULL, keeps the key total).
  version: [{ expr: Prisma.sql`COALESCE(${versionSql}, '')`, type: "text" }, ...byName],
  // Never seen sorts as the oldest.
  lastSeen: [
    { expr: Prisma.sql`COALESCE(i.last_seen, '-infinity'::timestamp)`, type: "timestamp" },
    { expr: i("id"), type: "int" },
  ],
};

/**
 * The list counts its matches up to here and says "more than" past it: counting all 500,000
 * instances took 90 ms a page view, a text search's matches 620 ms (docs/performance.md,
 * "Inventory pages at 500,000 instances"); past a thousand the number no longer guides anyone.
 */
export const COUNT_CAP = 1000;

function filters(input: InstanceListInput) {
  const where: Prisma.Sql[] = [];
  if (input.serverId) where.push(Prisma.sql`i.server_id = ${input.serverId}`);
  if (input.groupId) where.push(Prisma.sql`i.group_id = ${input.groupId}`);
  if (input.catalogId) where.push(Prisma.sql`i.catalog_id = ${input.catalogId}`);
  if (input.appType) where.push(Prisma.sql`i.app_type = CAST(${input.appType} AS "AppType")`);
  if (input.status) where.push(Prisma.sql`i.status = CAST(${input.status} AS "InstanceStatus")`);
  if (input.q) {
    const pattern = likePattern(input.q);
    where.push(Prisma.sql`(i.instance_name ILIKE ${pattern} OR i.image ILIKE ${pattern}
      OR i.version ILIKE ${pattern} OR i.tag ILIKE ${pattern})`);
  }
  return where.length ? Prisma.join(where, " AND ") : Prisma.sql`TRUE`;
}

export async function listInstances(input: InstanceListInput) {
  const columns = sortKeys[input.sort];
  const cursor = input.cursor ? decodeCursor(input.cursor, input.sort, input.dir, columns) : undefined;
  const keyset = keysetClauses(columns, input.dir, cursor);
  const where = filters(input);
  // The servers join is only needed to sort by server name.
  const join = input.sort === "server" ? Prisma.sql`JOIN servers s ON s.id = i.server_id` : Prisma.empty;

  const [found, [counted]] = await Promise.all([
    db().$queryRaw<({ id: number } & Record<string, string>)[]>`
      SELECT i.id, ${keySelect(columns)} FROM application_instances i ${join}
      WHERE ${where} AND ${keyset.where}
      ORDER BY ${keyset.order} LIMIT ${input.limit + 1}`,
    db().$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total
      FROM (SELECT 1 FROM application_instances i WHERE ${where} LIMIT ${COUNT_CAP + 1}) matching`,
  ]);
  const more = found.length > input.limit;
  const page = found.slice(0, input.limit);
  if (keyset.reversed) page.reverse();

  const rows = await db().applicationInstance.findMany({
    where: { id: { in: page.map((r) => r.id) } },
    select: instanceListSelect,
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const items = page.flatMap((r) => {
    const row = byId.get(r.id);
    return row ? [{ ...row, currentVersion: currentVersion(row) }] : []; // deleted between the two reads
  });
  const keyed = page.map((r) => ({ keys: columns.map((_, k) => r[`k${k}`]!) }));
  const total = counted?.total ?? 0;
  return {
    items,
    total: Math.min(total, COUNT_CAP),
    totalCapped: total > COUNT_CAP,
    ...pageCursors(keyed, input.sort, input.dir, { cursor, more }),
  };
}

export type InstanceListItem = Awaited<ReturnType<typeof listInstances>>["items"][number];
