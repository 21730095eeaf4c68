// The application catalog: one entry per kind of application, holding the default update
// settings its groups and instances fall back to.
import { z } from "zod";
import { db, Prisma } from "../../db";
import { notFound } from "../../errors";
import { pageArgs, pageInput, pageResult } from "../../pagination";

export const catalogSelect = {
  id: true,
  name: true,
  appType: true,
  description: true,
  defaultPlaybookPath: true,
  defaultArtifactUrl: true,
  defaultArtifactExt: true,
  updatedAt: true,
  _count: { select: { groups: true, instances: true } },
} satisfies Prisma.ApplicationCatalogSelect;

export const catalogListInput = pageInput.extend({
  q: z.string().trim().max(100, "at most 100 characters").optional(),
});

export async function listCatalog(input: z.output<typeof catalogListInput>) {
  const where: Prisma.ApplicationCatalogWhereInput = input.q
    ? { name: { contains: input.q, mode: "insensitive" } }
    : {};
  const [items, total] = await Promise.all([
    db().applicationCatalog.findMany({
      where,
      select: catalogSelect,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      ...pageArgs(input),
    }),
    db().applicationCatalog.count({ where }),
  ]);
  return pageResult(items, total, input);
}

export async function getCatalogEntry(id: number) {
  const entry = await db().applicationCatalog.findUnique({
    where: { id },
    select: { ...catalogSelect, groups: { select: { id: true, name: true }, orderBy: { name: "asc" } } },
  });
  if (!entry) throw notFound("Catalog entry");
  return entry;
}
