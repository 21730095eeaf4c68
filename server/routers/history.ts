// Charts' data from the metric history (docs/history.md): thin, over server/history.
import { FLEET_CHARTS, fleetChartInput, HAPROXY_CHARTS, haproxyChartInput, readChart } from "../history/charts";
import { instanceTimeline } from "../history/instance";
import { rangeInput } from "../history/query";
import { authorized, router } from "../trpc/init";
import { positiveId } from "../../lib/schemas";

export const historyRouter = router({
  haproxy: authorized("haproxy.read")
    .input(haproxyChartInput)
    .query(({ input }) => readChart(HAPROXY_CHARTS, input)),
  fleet: authorized("inventory.read")
    .input(fleetChartInput)
    .query(({ input }) => readChart(FLEET_CHARTS, input)),
  instance: authorized("inventory.read")
    .input(rangeInput.extend({ instanceId: positiveId }))
    .query(({ input }) => instanceTimeline(input.instanceId, input)),
});
