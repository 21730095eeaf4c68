// Reads a chart's data from the metric history (docs/history.md, "Reading"): the table follows the
// range (raw up to HISTORY_RAW_RETENTION_HOURS, 5-minute rollups up to HISTORY_5M_RETENTION_DAYS,
// hourly beyond), and finer rows are averaged into steps so a series has at most MAX_POINTS points.
import { z } from "zod";
import { config } from "../config";
import { db, Prisma } from "../db";
import { AppError } from "../errors";
import { CHART_RANGES, MAX_POINTS, MAX_RANGE_DAYS, type ChartData } from "../../lib/history";

const DAY = 86_400_000;
const badRequest = (message: string) => new AppError("BAD_REQUEST", message);
/** Series (labels) one chart shows at most: a group with more versions shows the first ones by name. */
export const MAX_SERIES = 40;

export const rangeInput = z.object({
  range: z.enum([...(Object.keys(CHART_RANGES) as (keyof typeof CHART_RANGES)[]), "custom"]).default("24h"),
  /** Custom range only. */
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type RangeInput = z.output<typeof rangeInput>;

/** The range's bounds in ms; a custom one must be in order, at most MAX_RANGE_DAYS long. */
export function resolveRange(input: RangeInput, now = Date.now()): { from: number; to: number } {
  if (input.range !== "custom") return { from: now - CHART_RANGES[input.range] * 1000, to: now };
  if (!input.from || !input.to) throw badRequest("a custom range needs both from and to");
  const [from, to] = [input.from.getTime(), input.to.getTime()];
  if (!(from < to)) throw badRequest("the range's start must be before its end");
  if (to - from > MAX_RANGE_DAYS * DAY) throw badRequest(`a range may span at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}

type Source = { resolution: ChartData["resolution"]; table: string; time: string; stepMs: number; avg: string };
const RAW: Source = { resolution: "raw", table: "history_raw", time: "ts", stepMs: 1000, avg: "avg(value)" };
const ROLLUP = { avg: "sum(avg::float8 * samples) / sum(samples)" };

/** The finest table that still holds the whole range (measured back from now). */
function sourceFor(from: number, now: number): Source {
  const settings = config();
  if (from >= now - settings.HISTORY_RAW_RETENTION_HOURS * 3_600_000) return RAW;
  if (from >= now - settings.HISTORY_5M_RETENTION_DAYS * DAY)
    return { resolution: "5m", table: "history_5m", time: "bucket", stepMs: 300_000, ...ROLLUP };
  return { resolution: "1h", table: "history_1h", time: "bucket", stepMs: 3_600_000, ...ROLLUP };
}

/** One kind's series of one subject over a range, aligned on shared steps. */
export async function readSeries(kind: string, subjectId: number, input: RangeInput): Promise<ChartData> {
  const now = Date.now();
  const { from, to } = resolveRange(input, now);
  const source = sourceFor(from, now);
  const stepMs = Math.max(source.stepMs, Math.ceil((to - from) / MAX_POINTS / source.stepMs) * source.stepMs);
  const [table, time] = [Prisma.raw(source.table), Prisma.raw(source.time)];
  const mins = source === RAW ? Prisma.raw("min(value), max(value)") : Prisma.raw("min(min), max(max)");
  // A series is read through its (series_id, time) key: a range scan per series.
  const rows = await db().$queryRaw<{ label: string; t: number; avg: number; min: number; max: number }[]>`
    WITH series AS (
      SELECT id, label FROM history_series WHERE kind = ${kind} AND subject_id = ${subjectId}
      ORDER BY label LIMIT ${MAX_SERIES}
    )
    SELECT s.label, extract(epoch FROM date_bin(${`${stepMs / 1000} seconds`}::interval, r.${time}, ${new Date(from)}::timestamp(3)))::float8 AS t,
      ${Prisma.raw(source.avg)}::float8 AS avg, ${mins}
    FROM series s JOIN ${table} r ON r.series_id = s.id
    WHERE r.${time} >= ${new Date(from)}::timestamp(3) AND r.${time} < ${new Date(to)}::timestamp(3)
    GROUP BY 1, 2 ORDER BY 2`;
  return align(source.resolution, stepMs / 1000, rows);
}

/** Rows of (label, t, avg, min, max) as uPlot's aligned arrays: one timestamp list, a value list per label. */
export function align(
  resolution: ChartData["resolution"],
  stepSeconds: number,
  rows: { label: string; t: number; avg: number; min: number; max: number }[],
): ChartData {
  const timestamps = [...new Set(rows.map((r) => r.t))].sort((a, b) => a - b);
  const index = new Map(timestamps.map((t, i) => [t, i]));
  const byLabel = new Map<string, ChartData["series"][number]>();
  for (const r of rows) {
    let s = byLabel.get(r.label);
    if (!s) {
      const empty = () => timestamps.map(() => null);
      s = { label: r.label, values: empty(), min: empty(), max: empty() };
      byLabel.set(r.label, s);
    }
    const i = index.get(r.t)!;
    [s.values[i], s.min![i], s.max![i]] = [r.avg, r.min, r.max];
  }
  const series = [...byLabel.values()].sort((a, b) => a.label.localeCompare(b.label));
  return { resolution, stepSeconds, timestamps, series };
}
