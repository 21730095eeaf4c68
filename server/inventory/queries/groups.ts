// Application groups: the list with instance counts and version drift, and one group's
// instances across all servers side by side. Drift = a group's instances report more than one
// version (instances without a version do not count).
import { z } from "zod";
import { db, Prisma } from "../../db";
import { notFound } from "../../errors";
import { pageArgs, pageInput, pageResult } from "../../pagination";
import { effectiveSettings } from "../settings";
import { currentVersion, instanceListSelect, versionSql } from "./instance-shape";
import { positiveId } from "../../../lib/schemas";

export const groupSettingsSelect = {
  id: true,
  name: true,
  description: true,
  updatePlaybookPath: true,
  artifactListUrl: true,
  artifactExtension: true,
  batchGroupingStrategy: true,
  batchSize: true,
  eurekaAppName: true,
  updatedAt: true,
  catalog: {
    select: {
      id: true,
      name: true,
      appType: true,
      description: true,
      defaultPlaybookPath: true,
      defaultArtifactUrl: true,
      defaultArtifactExt: true,
    },
  },
} satisfies Prisma.ApplicationGroupSelect;

const groupListSelect = {
  id: true,
  name: true,
  description: true,
  // A rollout's stage batches by these unless it names its own (components/tasks/rollout-stages.tsx).
  batchGroupingStrategy: true,
  batchSize: true,
  catalog: { select: { id: true, name: true, appType: true } },
} satisfies Prisma.ApplicationGroupSelect;

export const groupListInput = pageInput.extend({
  q: z.string().trim().max(100, "at most 100 characters").optional(),
  catalogId: positiveId.optional(),
  /** Only groups whose instances run different versions. */
  drift: z.boolean().default(false),
});

type Stats = { instances: number; online: number; versions: number };

async function groupStats(ids: number[]): Promise<Map<number, Stats>> {
  if (ids.length === 0) return new Map();
  const rows = await db().$queryRaw<({ group_id: number } & Stats)[]>`
    SELECT i.group_id, count(*)::int AS instances, count(*) FILTER (WHERE i.status = 'online')::int AS online,
      count(DISTINCT ${versionSql})::int AS versions
    FROM application_instances i WHERE i.group_id = ANY(${ids}::int[]) GROUP BY i.group_id`;
  return new Map(rows.map(({ group_id, ...stats }) => [group_id, stats]));
}

const driftingGroupIds = async () =>
  (
    await db().$queryRaw<{ group_id: number }[]>`
      SELECT i.group_id FROM application_instances i WHERE i.group_id IS NOT NULL
      GROUP BY i.group_id HAVING count(DISTINCT ${versionSql}) > 1`
  ).map((row) => row.group_id);

export async function listGroups(input: z.output<typeof groupListInput>) {
  const where: Prisma.ApplicationGroupWhereInput = {
    ...(input.q ? { name: { contains: input.q, mode: "insensitive" } } : {}),
    ...(input.catalogId ? { catalogId: input.catalogId } : {}),
    ...(input.drift ? { id: { in: await driftingGroupIds() } } : {}),
  };
  const [groups, total] = await Promise.all([
    db().applicationGroup.findMany({
      where,
      select: groupListSelect,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      ...pageArgs(input),
    }),
    db().applicationGroup.count({ where }),
  ]);
  const stats = await groupStats(groups.map((g) => g.id));
  const items = groups.map((group) => {
    const s = stats.get(group.id) ?? { instances: 0, online: 0, versions: 0 };
    return { ...group, ...s, drift: s.versions > 1 };
  });
  return pageResult(items, total, input);
}

/** The group's own settings and what they resolve to at group level (before any instance override). */
export async function getGroupSettings(id: number) {
  const group = await db().applicationGroup.findUnique({ where: { id }, select: groupSettingsSelect });
  if (!group) throw notFound("Application group");
  const effective = effectiveSettings({
    customPlaybookPath: null,
    customArtifactUrl: null,
    customArtifactExtension: null,
    group,
    catalog: group.catalog,
  });
  return { ...group, effective };
}

/**
 * Instances shown on a group page, the first by server name; the applications list (keyset pages,
 * filtered by the group, sorted by server) has them all. A group of 5,000 instances rendered 2,000
 * rows, a 1 MB answer and seconds a view; 200 rows were still 200 KB of HTML, most of the page's
 * render time (docs/performance.md, "Inventory pages at 500,000 instances").
 */
export const GROUP_INSTANCE_LIMIT = 50;

export async function getGroup(id: number) {
  const group = await getGroupSettings(id);
  const [rows, total, byVersion] = await Promise.all([
    db().applicationInstance.findMany({
      where: { groupId: id },
      select: {
        ...instanceListSelect,
        customPlaybookPath: true,
        customArtifactUrl: true,
        customArtifactExtension: true,
      },
      orderBy: [{ server: { name: "asc" } }, { instanceNumber: "asc" }, { id: "asc" }],
      take: GROUP_INSTANCE_LIMIT,
    }),
    db().applicationInstance.count({ where: { groupId: id } }),
    db().applicationInstance.groupBy({ by: ["version", "tag"], where: { groupId: id }, _count: { _all: true } }),
  ]);
  const counts = new Map<string | null, number>();
  for (const row of byVersion)
    counts.set(currentVersion(row), (counts.get(currentVersion(row)) ?? 0) + row._count._all);
  const versions = [...counts].map(([version, count]) => ({ version, count })).sort((a, b) => b.count - a.count);
  const reported = versions.filter((v) => v.version !== null);
  // The version most instances run; the others are what drift means on the page.
  const commonVersion = reported[0]?.version ?? null;
  const instances = rows.map(({ customPlaybookPath, customArtifactUrl, customArtifactExtension, ...row }) => {
    const version = currentVersion(row);
    return {
      ...row,
      currentVersion: version,
      drifted: reported.length > 1 && version !== null && version !== commonVersion,
      hasOverrides: !!(customPlaybookPath || customArtifactUrl || customArtifactExtension),
    };
  });
  return {
    ...group,
    instances,
    instanceCount: total,
    truncated: total > rows.length,
    versions,
    commonVersion,
    drift: reported.length > 1,
  };
}

export type GroupDetail = Awaited<ReturnType<typeof getGroup>>;
