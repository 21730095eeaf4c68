import { z } from "zod";
import { catalogListInput, getCatalogEntry, listCatalog } from "../inventory/queries/catalog";
import { getGroup, groupListInput, listGroups } from "../inventory/queries/groups";
import {
  catalogSettingsInput,
  groupSettingsInput,
  updateCatalogSettings,
  updateGroupSettings,
} from "../inventory/settings-edits";
import { withUrlSecretsFor } from "../security/reader-urls";
import { authorized, router } from "../trpc/init";
import { positiveId } from "../../lib/schemas";

const id = z.object({ id: positiveId });

export const groupsRouter = router({
  /** With instance counts and a version-drift flag per group. */
  list: authorized("inventory.read")
    .input(groupListInput)
    .query(({ input }) => listGroups(input)),
  /** Settings (own and effective; artifact URLs' credentials starred but for admins), and every instance across servers with its version and status. */
  get: authorized("inventory.read")
    .input(id)
    .query(async ({ input, ctx }) => withUrlSecretsFor(ctx.actor, await getGroup(input.id))),
  updateSettings: authorized("settings.manage")
    .input(groupSettingsInput)
    .mutation(({ input, ctx }) => updateGroupSettings(input, ctx.audit)),
});

export const catalogRouter = router({
  list: authorized("inventory.read")
    .input(catalogListInput)
    .query(async ({ input, ctx }) => withUrlSecretsFor(ctx.actor, await listCatalog(input))),
  get: authorized("inventory.read")
    .input(id)
    .query(async ({ input, ctx }) => withUrlSecretsFor(ctx.actor, await getCatalogEntry(input.id))),
  updateSettings: authorized("settings.manage")
    .input(catalogSettingsInput)
    .mutation(({ input, ctx }) => updateCatalogSettings(input, ctx.audit)),
});
