// Every instance name (docs/inventory.md, "Instance names and groups") resolves to a catalog entry and a
// group (get-or-create, both named after the name's base). Done in bulk, outside the server's
// write transaction, with ON CONFLICT so concurrent polls creating the same group never clash,
// and in name order: two polls inserting overlapping names in different orders deadlocked (40P01).
import type { AppType } from "../generated/prisma/enums";
import type { Db } from "../db";
import type { GroupLink } from "./reconcile";
import { parseInstanceName } from "./grouping";

type Client = Pick<Db, "$queryRaw" | "$executeRaw">;

export async function resolveGroups(
  client: Client,
  apps: { instanceName: string; appType: AppType }[],
): Promise<Map<string, GroupLink>> {
  const typeOf = new Map<string, AppType>();
  for (const app of apps) {
    const { groupName } = parseInstanceName(app.instanceName);
    if (!typeOf.has(groupName)) typeOf.set(groupName, app.appType);
  }
  const names = [...typeOf.keys()];
  if (names.length === 0) return new Map();

  let links = await readLinks(client, names);
  const unlinked = names.filter((name) => !links.get(name)?.catalogId);
  if (unlinked.length > 0) {
    const types = unlinked.map((name) => typeOf.get(name)!);
    const now = new Date(); // not SQL's now(): into a timestamp column it is the session's local time
    await client.$executeRaw`
      INSERT INTO application_catalog (name, app_type, created_at, updated_at)
      SELECT n, t::"AppType", ${now}::timestamp(3), ${now}::timestamp(3) FROM unnest(${unlinked}::text[], ${types}::text[]) AS u(n, t)
      ORDER BY n
      ON CONFLICT (name) DO NOTHING`;
    await client.$executeRaw`
      INSERT INTO application_groups (name, catalog_id, created_at, updated_at)
      SELECT c.name, c.id, ${now}::timestamp(3), ${now}::timestamp(3) FROM application_catalog c WHERE c.name = ANY(${unlinked}::text[])
      ORDER BY c.name
      ON CONFLICT (name) DO UPDATE SET catalog_id = EXCLUDED.catalog_id, updated_at = ${now}::timestamp(3)
      WHERE application_groups.catalog_id IS NULL`;
    links = await readLinks(client, names);
  }
  const resolved = new Map<string, GroupLink>();
  for (const [name, link] of links)
    if (link.catalogId) resolved.set(name, { groupId: link.groupId, catalogId: link.catalogId });
  return resolved;
}

async function readLinks(client: Client, names: string[]) {
  const rows = await client.$queryRaw<{ id: number; name: string; catalog_id: number | null }[]>`
    SELECT id, name, catalog_id FROM application_groups WHERE name = ANY(${names}::text[])`;
  return new Map(rows.map((row) => [row.name, { groupId: row.id, catalogId: row.catalog_id }]));
}
