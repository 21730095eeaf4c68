// Version history: of one instance, of a group, and fleet-wide. Rows carry the server and
// instance names, so they stay readable after the server is deleted (instanceId is then null).
import { z } from "zod";
import { db, Prisma } from "../../db";
import { notFound } from "../../errors";
import { pageArgs, pageInput, pageResult, type PageInput } from "../../pagination";

export const versionChangeSelect = {
  id: true,
  instanceId: true,
  serverName: true,
  instanceName: true,
  oldVersion: true,
  newVersion: true,
  oldTag: true,
  newTag: true,
  oldImage: true,
  newImage: true,
  oldDistrPath: true,
  newDistrPath: true,
  changedAt: true,
  changedBy: true,
  changeSource: true,
  taskId: true,
  notes: true,
} satisfies Prisma.ApplicationVersionHistorySelect;

export type VersionChange = Prisma.ApplicationVersionHistoryGetPayload<{ select: typeof versionChangeSelect }>;

const id = z.number({ error: "must be a number" }).int().positive("must be a positive id");
export const instanceHistoryInput = pageInput.extend({ instanceId: id });
export const groupHistoryInput = pageInput.extend({ groupId: id });
export const recentChangesInput = pageInput.extend({ since: z.date({ error: "must be a date" }).optional() });

async function page(where: Prisma.ApplicationVersionHistoryWhereInput, input: PageInput) {
  const [items, total] = await Promise.all([
    db().applicationVersionHistory.findMany({
      where,
      select: versionChangeSelect,
      orderBy: [{ changedAt: "desc" }, { id: "desc" }],
      ...pageArgs(input),
    }),
    db().applicationVersionHistory.count({ where }),
  ]);
  return pageResult(items, total, input);
}

export async function instanceHistory(input: z.output<typeof instanceHistoryInput>) {
  const found = await db().applicationInstance.findUnique({ where: { id: input.instanceId }, select: { id: true } });
  if (!found) throw notFound("Application instance");
  return page({ instanceId: input.instanceId }, input);
}

/**
 * Changes of the group's current instances (rows of deleted servers' instances are not linked any
 * more). By their ids, not a join on the instance: joined, PostgreSQL read the whole history
 * newest first and looked up each row's instance (11 ms for a group of 500 among 60,000 changes,
 * 28 ms under load); with the ids it reads the history index alone (2.6 ms).
 */
export async function groupHistory(input: z.output<typeof groupHistoryInput>) {
  const group = await db().applicationGroup.findUnique({ where: { id: input.groupId }, select: { instances: { select: { id: true } } } });
  if (!group) throw notFound("Application group");
  return page({ instanceId: { in: group.instances.map((i) => i.id) } }, input);
}

export const recentChanges = (input: z.output<typeof recentChangesInput>) =>
  page(input.since ? { changedAt: { gte: input.since } } : {}, input);
