// The charts the pages show, each a kind of series of one subject (docs/history.md, "Charts"):
// the names a client may ask for, so no kind string comes from outside.
import { z } from "zod";
import { HISTORY_KINDS as K, type ChartData, type HistoryKind } from "../../lib/history";
import { positiveId } from "../../lib/schemas";
import { AppError } from "../errors";
import { haproxyStatusTimeline } from "./haproxy-status";
import { rangeInput, readSeries, type RangeInput } from "./query";

/** A kind of series of one subject or of the fleet, or a reader of a subject's records of changes. */
type Chart =
  | { kind: HistoryKind; subject: "one" | "fleet" }
  | { read: (id: number, input: RangeInput) => Promise<ChartData>; subject: "one" };

export const HAPROXY_CHARTS = {
  "server.sessions": { kind: K.haproxyServerSessions, subject: "one" },
  // From the status history, not a series (docs/history.md, "What is recorded").
  "server.status": { read: haproxyStatusTimeline, subject: "one" },
  "backend.servers": { kind: K.backendServers, subject: "one" },
  "backend.sessions": { kind: K.backendSessions, subject: "one" },
  "fleet.servers": { kind: K.fleetHaproxyServers, subject: "fleet" },
} as const satisfies Record<string, Chart>;

export const FLEET_CHARTS = {
  servers: { kind: K.fleetServers, subject: "fleet" },
  instances: { kind: K.fleetInstances, subject: "fleet" },
  "group.versions": { kind: K.groupVersions, subject: "one" },
  "job.duration": { kind: K.jobDuration, subject: "fleet" },
  "job.failures": { kind: K.jobFailures, subject: "fleet" },
} as const satisfies Record<string, Chart>;

const chartInput = <T extends Record<string, Chart>>(charts: T) =>
  rangeInput.extend({
    chart: z.enum(Object.keys(charts) as [keyof T & string, ...(keyof T & string)[]]),
    /** The HAProxy server, backend or group; not for a fleet-wide chart. */
    id: positiveId.optional(),
  });
export const haproxyChartInput = chartInput(HAPROXY_CHARTS);
export const fleetChartInput = chartInput(FLEET_CHARTS);

export function readChart(
  charts: Record<string, Chart>,
  input: z.output<typeof haproxyChartInput | typeof fleetChartInput>,
) {
  const chart = charts[input.chart]!;
  if (chart.subject === "one" && input.id === undefined)
    throw new AppError("BAD_REQUEST", `the chart ${input.chart} needs an id`);
  if ("read" in chart) return chart.read(input.id!, input);
  return readSeries(chart.kind, chart.subject === "one" ? input.id! : 0, input);
}
