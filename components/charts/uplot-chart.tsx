"use client";
// uPlot on a canvas (docs/history.md, "Charts": why uPlot): the chart follows its box's width
// (ResizeObserver), so it reads at 390 px; its legend shows the values under the cursor; times in UTC.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChartData } from "@/lib/history";
import { colorFor, formatValue, type ValueFormat } from "./format";

const HEIGHT = 220;

function options(data: ChartData, format: ValueFormat, width: number): uPlot.Options {
  const categorical = data.series.length === 1 && data.series[0]!.names ? data.series[0]!.names : null;
  const stepped = uPlot.paths.stepped!({ align: 1 });
  return {
    width,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    legend: { live: true },
    // The range asked for, not just the span of the samples: a single sample still has a time axis.
    scales: {
      x: { time: true, range: [data.from, data.to] },
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
              values: (_u: uPlot, splits: number[]) =>
                splits.map((v) => formatValue({ label: "", values: [] }, v, format)),
            }),
      },
    ],
    series: [
      {
        label: "UTC",
        value: (_u, v) => (v === null ? "–" : new Date(v * 1000).toISOString().slice(0, 16).replace("T", " ")),
      },
      ...data.series.map((s, i) => ({
        label: s.label || "value",
        stroke: colorFor(s.label, i),
        width: 2,
        paths: s.names ? stepped : undefined,
        value: (_u: uPlot, v: number | null) => formatValue(s, v, format),
      })),
    ],
  };
}

export function UplotChart({ data, format, label }: { data: ChartData; format: ValueFormat; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const aligned = [data.timestamps, ...data.series.map((s) => s.values)] as uPlot.AlignedData;
    const chart = new uPlot(options(data, format, element.clientWidth || 320), aligned, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [data, format]);
  // The canvas is a picture for the mouse; the data table next to it is the keyboard's way in.
  return <div ref={box} role="img" aria-label={label} className="w-full min-w-0 text-xs" data-chart="uplot" />;
}
