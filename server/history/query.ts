// Reads a chart's data from the metric history (docs/history.md, "Reading"): the table follows the
// range (raw up to HISTORY_RAW_RETENTION_HOURS, 5-minute rollups up to HISTORY_5M_RETENTION_DAYS,
// hourly beyond), and finer rows are averaged into steps so a series has at most MAX_POINTS points.
import { z } from "zod";
import { config } from "../config";
import { db, Prisma } from "../db";
import { AppError } from "../errors";
import { CHART_RANGES, MAX_POINTS, MAX_RANGE_DAYS, type ChartData } from "../../lib/history";
import { storedDate } from "../../lib/schemas";

const DAY = 86_400_000;
const badRequest = (message: string) => new AppError("BAD_REQUEST", message);
/**
 * Series (labels) one chart shows at most: of those with samples in the range, the ones with the
 * largest newest value (a group's biggest versions), then by name.
 */
export const MAX_SERIES = 40;

export const rangeInput = z.object({
  range: z.enum([...(Object.keys(CHART_RANGES) as (keyof typeof CHART_RANGES)[]), "custom"]).default("24h"),
  /** Custom range only. */
  from: storedDate.optional(),
  to: storedDate.optional(),
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

type Level = {
  resolution: "raw" | "5m" | "1h";
  table: string;
  time: string;
  /** The time one row stands for: a level fits a step at least this wide. */
  bucketMs: number;
  /** Steps are whole multiples of this. */
  stepUnitMs: number;
  /** How far back the level holds data (its retention). */
  keptMs: () => number;
  /** SQL of a row's newest value. */
  latest: string;
  /** SQL of a row's average times its weight, its weight, its min and max. */
  weighted: string;
  weight: string;
  lo: string;
  hi: string;
};
const ROLLUP = {
  time: "bucket",
  latest: "r.last",
  weighted: "r.avg::float8 * r.samples",
  weight: "r.samples",
  lo: "r.min",
  hi: "r.max",
};
const LEVELS: Level[] = [
  {
    resolution: "raw",
    table: "history_raw",
    time: "ts",
    bucketMs: 60_000, // a sample per sync or poll cycle, about once a minute
    stepUnitMs: 1000,
    keptMs: () => config().HISTORY_RAW_RETENTION_HOURS * 3_600_000,
    latest: "r.value",
    weighted: "r.value::float8",
    weight: "1",
    lo: "r.value",
    hi: "r.value",
  },
  {
    resolution: "5m",
    table: "history_5m",
    bucketMs: 300_000,
    stepUnitMs: 300_000,
    keptMs: () => config().HISTORY_5M_RETENTION_DAYS * DAY,
    ...ROLLUP,
  },
  {
    resolution: "1h",
    table: "history_1h",
    bucketMs: 3_600_000,
    stepUnitMs: 3_600_000,
    keptMs: () => config().HISTORY_1H_RETENTION_DAYS * DAY,
    ...ROLLUP,
  },
];

/**
 * The level a range reads: the coarsest one that holds the whole range and whose buckets are no
 * wider than the step MAX_POINTS allows, so a 30-day chart reads 720 hourly rows per series
 * rather than 8,640 five-minute ones it would average into hours anyway. With the defaults: raw
 * up to 48 h, 5-minute rollups up to 30 days (exclusive), hourly beyond (docs/history.md).
 */
export function levelFor(from: number, to: number, now: number): { level: Level; finer: Level | null; stepMs: number } {
  const wanted = (to - from) / MAX_POINTS;
  const covering = LEVELS.filter((level) => from >= now - level.keptMs());
  const level = covering.filter((l) => l.bucketMs <= wanted).at(-1) ?? covering[0] ?? LEVELS.at(-1)!;
  const unit = level.stepUnitMs;
  const index = LEVELS.indexOf(level);
  return {
    level,
    finer: index > 0 ? LEVELS[index - 1]! : null,
    stepMs: Math.max(unit, Math.ceil(wanted / unit) * unit),
  };
}

/** A level's rows of the chosen series in [from, to), as (series_id, t, weighted, weight, lo, hi). */
const rowsOf = (level: Level, from: Prisma.Sql, to: Prisma.Sql) => {
  const [t, raw] = [Prisma.raw(level.time), Prisma.raw];
  return Prisma.sql`
    SELECT r.series_id, r.${t} AS t, ${raw(level.weighted)} AS weighted, ${raw(level.weight)} AS weight,
      ${raw(level.lo)} AS lo, ${raw(level.hi)} AS hi
    FROM ${raw(level.table)} r JOIN series s ON s.id = r.series_id
    WHERE r.${t} >= ${from} AND r.${t} < ${to}`;
};

/** A series' newest row at a level in [from, to), as (t, v): one backward step on its key. */
const newestOf = (level: Level, from: Prisma.Sql, to: Prisma.Sql) => {
  const [t, raw] = [Prisma.raw(level.time), Prisma.raw];
  return Prisma.sql`(
    SELECT r.${t} AS t, ${raw(level.latest)}::float8 AS v FROM ${raw(level.table)} r
    WHERE r.series_id = hs.id AND r.${t} >= ${from} AND r.${t} < ${to} ORDER BY r.${t} DESC LIMIT 1)`;
};

type Bounds = { level: Level; finer: Level | null; fromAt: Prisma.Sql; toAt: Prisma.Sql; split: Prisma.Sql };

/** A range's bounds as SQL: the level's rows in [from, split), the finer level's in [split, to). */
function boundsOf(level: Level, finer: Level | null, from: number, to: number): Bounds {
  const [fromAt, toAt] = [Prisma.sql`${new Date(from)}::timestamp(3)`, Prisma.sql`${new Date(to)}::timestamp(3)`];
  // The newest stretch the rollup job has not reached yet comes from the finer level (rollup.ts).
  const split = finer
    ? Prisma.sql`least(${toAt}, coalesce((SELECT max(bucket) FROM ${Prisma.raw(level.table)}) + ${`${level.bucketMs / 1000} seconds`}::interval, ${fromAt}))`
    : toAt;
  return { level, finer, fromAt, toAt, split };
}

/**
 * The series a chart shows, as (id, label, total): of the subject's series with samples in the
 * range, MAX_SERIES with the largest newest value, so a group's versions of a year ago never crowd
 * out today's. Each series is probed through its (series_id, time) key; `total` counts before LIMIT.
 */
function chosenSeries(kind: string, subjectId: number, { level, finer, fromAt, toAt, split }: Bounds) {
  return Prisma.sql`
    SELECT hs.id, hs.label, count(*) OVER ()::int AS total
    FROM history_series hs CROSS JOIN LATERAL (
      SELECT n.v FROM (
        ${newestOf(level, fromAt, split)}
        ${finer ? Prisma.sql`UNION ALL ${newestOf(finer, split, toAt)}` : Prisma.empty}
      ) n ORDER BY n.t DESC LIMIT 1
    ) newest
    WHERE hs.kind = ${kind} AND hs.subject_id = ${subjectId}
    ORDER BY newest.v DESC, hs.label LIMIT ${MAX_SERIES}`;
}

/** The SQL of the series a chart of this range would show (for EXPLAIN in tests). */
export function chosenSeriesFor(kind: string, subjectId: number, from: number, to: number, now = Date.now()) {
  const { level, finer } = levelFor(from, to, now);
  return chosenSeries(kind, subjectId, boundsOf(level, finer, from, to));
}

/** One kind's series of one subject over a range, aligned on shared steps. */
export async function readSeries(kind: string, subjectId: number, input: RangeInput): Promise<ChartData> {
  const now = Date.now();
  const { from, to } = resolveRange(input, now);
  const { level, finer, stepMs } = levelFor(from, to, now);
  const bounds = boundsOf(level, finer, from, to);
  const { fromAt, toAt, split } = bounds;
  const chosen = await db().$queryRaw<{ id: number; label: string; total: number }[]>(
    chosenSeries(kind, subjectId, bounds),
  );
  const omitted = (chosen[0]?.total ?? 0) - chosen.length;
  // Each series is read through its (series_id, time) key: a range scan per series.
  const rows = await db().$queryRaw<{ label: string; t: number; avg: number; min: number; max: number }[]>`
    WITH series AS (
      SELECT * FROM unnest(${chosen.map((c) => c.id)}::int[], ${chosen.map((c) => c.label)}::text[]) AS s(id, label)
    ), picked AS (
      ${rowsOf(level, fromAt, split)}
      ${finer ? Prisma.sql`UNION ALL ${rowsOf(finer, split, toAt)}` : Prisma.empty}
    )
    SELECT s.label, extract(epoch FROM date_bin(${`${stepMs / 1000} seconds`}::interval, p.t, ${fromAt}))::float8 AS t,
      sum(p.weighted) / sum(p.weight) AS avg, min(p.lo)::float8 AS min, max(p.hi)::float8 AS max
    FROM picked p JOIN series s ON s.id = p.series_id
    GROUP BY 1, 2 ORDER BY 2`;
  return { ...align(level.resolution, stepMs / 1000, rows), from: from / 1000, to: to / 1000, omitted };
}

/** Rows of (label, t, avg, min, max) as uPlot's aligned arrays: one timestamp list, a value list per label. */
export function align(
  resolution: ChartData["resolution"],
  stepSeconds: number,
  rows: { label: string; t: number; avg: number; min: number; max: number }[],
): Omit<ChartData, "from" | "to"> {
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
