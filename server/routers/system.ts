import { fleetOverview } from "../system/overview";
import { authorized, router } from "../trpc/init";

export const systemRouter = router({
  overview: authorized("inventory.read").query(() => fleetOverview()),
});
