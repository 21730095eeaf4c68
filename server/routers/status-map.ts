import { z } from "zod";
import { unknownStatuses } from "../inventory/queries/unknown-statuses";
import {
  defaultStatusEntries,
  deleteStatusMapping,
  listStatusMappings,
  setStatusMapping,
  statusMappingInput,
} from "../inventory/status-map-edits";
import { authorized, router } from "../trpc/init";

const id = z.object({ id: z.number({ error: "must be a number" }).int().positive("must be a positive id") });

export const statusMapRouter = router({
  /** The admins' entries and the defaults under them (docs/agent-contract.md, "Status"). */
  list: authorized("inventory.read").query(async () => ({
    entries: await listStatusMappings(),
    defaults: defaultStatusEntries(),
  })),
  /** Raw statuses that the map currently reads as unknown, most instances first. */
  unknown: authorized("inventory.read").query(() => unknownStatuses()),

  set: authorized("statusMap.manage")
    .input(statusMappingInput)
    .mutation(({ input, ctx }) => setStatusMapping(input, ctx.audit)),
  delete: authorized("statusMap.manage")
    .input(id)
    .mutation(({ input, ctx }) => deleteStatusMapping(input.id, ctx.audit)),
});
