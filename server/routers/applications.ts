import { z } from "zod";
import { getInstance } from "../inventory/queries/instance-detail";
import { instanceListInput, listInstances } from "../inventory/queries/instance-list";
import { instanceSettingsInput, updateInstanceSettings } from "../inventory/settings-edits";
import { withUrlSecretsFor } from "../security/reader-urls";
import { authorized, router } from "../trpc/init";
import { positiveId } from "../../lib/schemas";

const id = z.object({ id: positiveId });

export const applicationsRouter = router({
  /** Keyset-paginated: pass nextCursor / prevCursor back with the same filters, sort and dir. */
  list: authorized("inventory.read")
    .input(instanceListInput)
    .query(({ input }) => listInstances(input)),
  /** Every field, plus the effective update settings and where each value comes from (artifact URLs' credentials starred but for admins). */
  get: authorized("inventory.read")
    .input(id)
    .query(async ({ input, ctx }) => withUrlSecretsFor(ctx.actor, await getInstance(input.id))),
  /** The instance's own overrides (custom_*); "" or null clears one so the group's value applies. */
  updateSettings: authorized("settings.manage")
    .input(instanceSettingsInput)
    .mutation(({ input, ctx }) => updateInstanceSettings(input, ctx.audit)),
});
