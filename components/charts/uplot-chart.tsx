"use client";
// uPlot on a canvas (docs/history.md, "Charts": why uPlot): the chart follows its box's width
// (ResizeObserver), so it reads at 390 px; its legend shows the values under the cursor; times in UTC.
// New data of the same series (a live refresh, the minute's refetch) goes through setData: the chart
// is not rebuilt, so a hover in progress keeps its place and the legend its values.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChartData } from "@/lib/history";
import { colorFor, formatValue, type ValueFormat } from "./format";

const HEIGHT = 220;

/** What the chart is built from; the values and the range change without a rebuild. */
type Shape = { format: ValueFormat; series: Pick<ChartData["series"][number], "label" | "names">[] };
type Range = { from: number; to: number };

function options(shape: Shape, range: Range, width: number): uPlot.Options {
  const { format } = shape;
  const categorical = shape.series.length === 1 && shape.series[0]!.names ? shape.series[0]!.names : null;
  const stepped = uPlot.paths.stepped!({ align: 1 });
  return {
    width,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    legend: { live: true },
    // The range asked for, not just the span of the samples: a single sample still has a time axis.
    // A function, read again on each setData, so a moving range moves with its data.
    scales: {
      x: { time: true, range: () => [range.from, range.to] },
      y: categorical
        ? { range: [-0.5, Math.max(categorical.length - 0.5, 0.5)] }
        : { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
    },
    cursor: { points: { size: 7 } },
    axes: [
      { stroke: "#475569", grid: { stroke: "#e2e8f0" } },
      {
        stroke: "#475569",
        grid: { stroke: "#e2e8f0" },
        size: categorical ? 70 : 50,
        ...(categorical
          ? {
              splits: () => categorical.map((_, i) => i),
              values: (_u: uPlot, splits: number[]) => splits.map((v) => categorical[v] ?? ""),
            }
          : {
              values: (_u: uPlot, splits: number[]) => splits.map((v) => formatValue({}, v, format)),
            }),
      },
    ],
    series: [
      {
        label: "UTC",
        value: (_u, v) => (v === null ? "–" : new Date(v * 1000).toISOString().slice(0, 16).replace("T", " ")),
      },
      ...shape.series.map((s, i) => ({
        label: s.label || "value",
        stroke: colorFor(s.label, i),
        width: 2,
        paths: s.names ? stepped : undefined,
        value: (_u: uPlot, v: number | null) => formatValue(s, v, format),
      })),
    ],
  };
}

const alignedOf = (data: ChartData) => [data.timestamps, ...data.series.map((s) => s.values)] as uPlot.AlignedData;

export function UplotChart({ data, format, label }: { data: ChartData; format: ValueFormat; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<{ plot: uPlot; range: Range } | null>(null);
  const latest = useRef(data);
  // The series' labels and names: a string, so new arrays of the same series are the same shape.
  const shapeKey = JSON.stringify({ format, series: data.series.map(({ label, names }) => ({ label, names })) });

  // Declared first: React runs every cleanup before any effect, so after a change of shape the old
  // chart is gone (nothing to update) and the new one is built below from this data.
  useEffect(() => {
    latest.current = data;
    const current = chart.current;
    if (!current) return;
    Object.assign(current.range, { from: data.from, to: data.to });
    current.plot.setData(alignedOf(data));
  }, [data]);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const shape = JSON.parse(shapeKey) as Shape;
    const range = { from: latest.current.from, to: latest.current.to };
    const plot = new uPlot(options(shape, range, element.clientWidth || 320), alignedOf(latest.current), element);
    chart.current = { plot, range };
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [shapeKey]);

  // The canvas is a picture for the mouse; the data table next to it is the keyboard's way in.
  return <div ref={box} role="img" aria-label={label} className="w-full min-w-0 text-xs" data-chart="uplot" />;
}
