import {
  groupHistory,
  groupHistoryInput,
  instanceHistory,
  instanceHistoryInput,
  recentChanges,
  recentChangesInput,
} from "../inventory/queries/version-history";
import { authorized, router } from "../trpc/init";

export const versionsRouter = router({
  forInstance: authorized("inventory.read")
    .input(instanceHistoryInput)
    .query(({ input }) => instanceHistory(input)),
  forGroup: authorized("inventory.read")
    .input(groupHistoryInput)
    .query(({ input }) => groupHistory(input)),
  /** Fleet-wide, newest first. */
  recent: authorized("inventory.read")
    .input(recentChangesInput)
    .query(({ input }) => recentChanges(input)),
});
