// How a chart writes its values: a categorical series by name, durations in ms or s, counts as they are.
import type { ChartData } from "@/lib/history";

export type ValueFormat = "count" | "ms";

export function formatValue(
  series: Pick<ChartData["series"][number], "names">,
  value: number | null | undefined,
  format: ValueFormat,
) {
  if (value === null || value === undefined) return "–";
  if (series.names) return series.names[Math.round(value)] ?? String(value);
  if (format === "ms") return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

export const formatTime = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ");

const NAMED: Record<string, string> = {
  UP: "#15803d",
  online: "#15803d",
  NOLB: "#0e7490",
  DRAIN: "#d97706",
  starting: "#0e7490",
  stopping: "#d97706",
  MAINT: "#64748b",
  unknown: "#64748b",
  no_data: "#a855f7",
  DOWN: "#dc2626",
  offline: "#dc2626",
  other: "#a855f7",
};
const PALETTE = ["#0369a1", "#c2410c", "#15803d", "#7c3aed", "#be123c", "#0f766e", "#a16207", "#4338ca"];

/** A status keeps its colour on every chart; other labels take the palette in order. */
export const colorFor = (label: string, index: number) => NAMED[label] ?? PALETTE[index % PALETTE.length]!;
