// Every instance name (docs/inventory.md, "Instance names and groups") resolves to a catalog entry and a
// group (get-or-create, both named after the name's base). Done in bulk for a whole batch of replies,
// outside its write transaction, with ON CONFLICT so concurrent batches creating the same group never
// clash, and in name order: two writers inserting overlapping names in different orders deadlocked
// (40P01). On the pg pool like the rest of the poll's writes (docs/architecture.md, "Data access").
import type { PgTx } from "../db";
import type { AppType } from "../generated/prisma/enums";
import { prepared } from "./bulk-writes-sql";
import type { GroupLink } from "./reconcile";
import { parseInstanceName } from "./grouping";

export async function resolveGroups(
  client: PgTx,
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
    const now = new Date().toISOString(); // not SQL's now(): into a timestamp column it is the session's local time
    await client.query(
      prepared(
        `INSERT INTO application_catalog (name, app_type, created_at, updated_at)
        SELECT n, t::"AppType", $3::timestamp(3), $3::timestamp(3) FROM unnest($1::text[], $2::text[]) AS u(n, t)
        ORDER BY n
        ON CONFLICT (name) DO NOTHING`,
        [unlinked, types, now],
      ),
    );
    await client.query(
      prepared(
        `INSERT INTO application_groups (name, catalog_id, created_at, updated_at)
        SELECT c.name, c.id, $2::timestamp(3), $2::timestamp(3) FROM application_catalog c WHERE c.name = ANY($1::text[])
        ORDER BY c.name
        ON CONFLICT (name) DO UPDATE SET catalog_id = EXCLUDED.catalog_id, updated_at = $2::timestamp(3)
        WHERE application_groups.catalog_id IS NULL`,
        [unlinked, now],
      ),
    );
    links = await readLinks(client, names);
  }
  const resolved = new Map<string, GroupLink>();
  for (const [name, link] of links)
    if (link.catalogId) resolved.set(name, { groupId: link.groupId, catalogId: link.catalogId });
  return resolved;
}

async function readLinks(client: PgTx, names: string[]) {
  const { rows } = await client.query<{ id: number; name: string; catalog_id: number | null }>(
    prepared("SELECT id, name, catalog_id FROM application_groups WHERE name = ANY($1::text[])", [names]),
  );
  return new Map(rows.map((row) => [row.name, { groupId: row.id, catalogId: row.catalog_id }]));
}
