import { eventListInput, listEvents } from "../inventory/queries/events";
import { authorized, router } from "../trpc/init";

export const eventsRouter = router({
  /** Newest first; filters combine. */
  list: authorized("events.read")
    .input(eventListInput)
    .query(({ input }) => listEvents(input)),
});
