"use client";
// One chart of the metric history (docs/history.md, "Charts"): a range picker, the chart, its
// states (loading, failed, nothing in the range) and a data table behind a toggle for the keyboard.
import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/controls";
import { Card, EmptyState, ErrorNote } from "@/components/ui/states";
import { useTRPC } from "@/components/trpc";
import type { ChartData } from "@/lib/history";
import { ChartTable } from "./chart-table";
import type { ValueFormat } from "./format";
import { RangePicker, type RangeValue } from "./range-picker";
import { UplotChart } from "./uplot-chart";

/** Which data: a chart of the HAProxy module, of the fleet, or an instance's timeline. */
export type ChartSource =
  | {
      procedure: "haproxy";
      chart: "server.sessions" | "server.status" | "backend.servers" | "backend.sessions" | "fleet.servers";
      id?: number;
    }
  | {
      procedure: "fleet";
      chart: "servers" | "instances" | "group.versions" | "job.duration" | "job.failures";
      id?: number;
    }
  | { procedure: "instance"; instanceId: number };

const RESOLUTION: Record<ChartData["resolution"], string> = {
  raw: "every sample",
  "5m": "5-minute averages",
  "1h": "hourly averages",
  events: "changes",
};

function useChartData(source: ChartSource, range: RangeValue) {
  const trpc = useTRPC();
  const window = range.range === "custom" ? range : { range: range.range };
  const options =
    source.procedure === "instance"
      ? trpc.history.instance.queryOptions({ instanceId: source.instanceId, ...window })
      : source.procedure === "haproxy"
        ? trpc.history.haproxy.queryOptions({ chart: source.chart, id: source.id, ...window })
        : trpc.history.fleet.queryOptions({ chart: source.chart, id: source.id, ...window });
  // The three procedures return the same ChartData; their option types differ only in the key.
  // A moving range follows new samples (at most one a minute); a custom one stays put.
  return useQuery<ChartData>({
    ...(options as object),
    staleTime: 30_000,
    refetchInterval: range.range === "custom" ? false : 60_000,
  } as Parameters<typeof useQuery<ChartData>>[0]);
}

export function HistoryChart({
  title,
  source,
  format = "count",
  only,
  note,
}: {
  title: string;
  source: ChartSource;
  format?: ValueFormat;
  /** Show only this series of the data (an instance's "status" or "version"). */
  only?: string;
  note?: ReactNode;
}) {
  const [range, setRange] = useState<RangeValue>({ range: "24h" });
  const [table, setTable] = useState(false);
  const query = useChartData(source, range);
  const data =
    query.data && only ? { ...query.data, series: query.data.series.filter((s) => s.label === only) } : query.data;
  const empty = data && (data.timestamps.length === 0 || data.series.length === 0);
  return (
    <Card title={title}>
      <div className="flex flex-col gap-3">
        <RangePicker value={range} onChange={setRange} />
        {query.isPending ? (
          <div
            className="flex h-[220px] items-center justify-center rounded bg-slate-50 text-sm text-slate-500"
            aria-busy="true"
          >
            Loading the chart…
          </div>
        ) : query.isError ? (
          <ErrorNote>The chart could not be loaded: {query.error.message}</ErrorNote>
        ) : empty || !data ? (
          <EmptyState title="No data in this range">
            Samples are recorded after each poll cycle and HAProxy sync; pick a longer range or wait for the next one.
          </EmptyState>
        ) : (
          <>
            <UplotChart data={data} format={format} label={`${title}: chart, ${RESOLUTION[data.resolution]}`} />
            <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500">
              <span>
                {RESOLUTION[data.resolution]}, times in UTC{note ? <> · {note}</> : null}
                {data.keptDays ? (
                  <> · changes are kept {data.keptDays} days, so the chart reaches no further back</>
                ) : null}
                {data.omitted ? <> · {data.omitted} more series not shown (the largest are)</> : null}
              </span>
              <Button
                type="button"
                variant="secondary"
                className="px-2 py-1 text-xs"
                aria-expanded={table}
                onClick={() => setTable(!table)}
              >
                {table ? "Hide data table" : "Show data table"}
              </Button>
            </div>
            {table ? <ChartTable data={data} format={format} caption={title} /> : null}
          </>
        )}
      </div>
    </Card>
  );
}
