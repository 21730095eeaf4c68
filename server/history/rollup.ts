// The history's rollups (docs/history.md, "Rollups"): raw samples into 5-minute buckets, 5-minute
// buckets into hours. Run by the history-rollup cluster job every 5 minutes. Idempotent: each run
// recomputes the newest buckets it already wrote (a replica's clock may be a little behind) with
// INSERT … ON CONFLICT DO UPDATE, so two runs at once or one run twice store the same rows. A
// run covers at most a bounded span per level; a backlog (after a pause) is taken by later runs.
import { db, Prisma } from "../db";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Level = {
  name: "5m" | "1h";
  source: "history_raw" | "history_5m";
  sourceTime: "ts" | "bucket";
  target: "history_5m" | "history_1h";
  bucketMs: number;
  /** Buckets recomputed behind the newest one written. */
  redoMs: number;
  /** The most source time one run rolls up. */
  maxSpanMs: number;
  /** avg, min, max, last and samples of the target from the source's rows. */
  aggregates: string;
};

const LEVELS: Level[] = [
  {
    name: "5m",
    source: "history_raw",
    sourceTime: "ts",
    target: "history_5m",
    bucketMs: 5 * MINUTE,
    redoMs: 10 * MINUTE,
    maxSpanMs: 6 * HOUR,
    aggregates: "avg(value), min(value), max(value), (array_agg(value ORDER BY ts DESC))[1], count(*)",
  },
  {
    name: "1h",
    source: "history_5m",
    sourceTime: "bucket",
    target: "history_1h",
    bucketMs: HOUR,
    redoMs: HOUR,
    maxSpanMs: 48 * HOUR,
    // The hour's average weighs each 5-minute bucket by its samples.
    aggregates:
      "sum(avg::float8 * samples) / sum(samples), min(min), max(max), (array_agg(last ORDER BY bucket DESC))[1], sum(samples)",
  },
];

const floorTo = (ms: number, bucketMs: number) => Math.floor(ms / bucketMs) * bucketMs;

export type RollupSummary = Record<string, { from: string; to: string; rows: number; capped: boolean } | null>;

/** Rolls each level up to the last bucket complete at `now`. */
export async function rollUp(now = new Date()): Promise<RollupSummary> {
  const summary: RollupSummary = {};
  // A level still catching up (its span was capped) holds the next one back to where it got.
  let complete = now.getTime();
  for (const level of LEVELS) {
    const done = await rollUpLevel(level, complete);
    summary[level.name] = done;
    if (done?.capped) complete = Date.parse(done.to);
  }
  return summary;
}

async function rollUpLevel(level: Level, complete: number) {
  const end = floorTo(complete, level.bucketMs); // buckets before this one are complete
  const [src, srcTime, target] = [Prisma.raw(level.source), Prisma.raw(level.sourceTime), Prisma.raw(level.target)];
  // Where to start: a little before the newest bucket written (redone), and the span of new
  // source rows counted from the first one after that bucket, so a gap in the data is skipped.
  // Both are read through the time indexes.
  const [newest] = await db().$queryRaw<{ at: Date | null }[]>`SELECT max(bucket) AS at FROM ${target}`;
  const firstAfter = async (after: number) => {
    const [row] = await db().$queryRaw<{ at: Date | null }[]>`
      SELECT min(${srcTime}) AS at FROM ${src} WHERE ${srcTime} >= ${new Date(after)}::timestamp(3)`;
    return row?.at ? floorTo(row.at.getTime(), level.bucketMs) : null;
  };
  const newestAt = newest?.at?.getTime();
  const from = await firstAfter(newestAt === undefined ? 0 : newestAt - level.redoMs);
  const fresh = newestAt === undefined ? from : await firstAfter(newestAt + level.bucketMs);
  if (from === null) return null;
  const to = Math.min(end, (fresh ?? from) + level.maxSpanMs);
  if (to <= from) return null;
  const rows = await db().$executeRaw`
    INSERT INTO ${target} (series_id, bucket, avg, min, max, last, samples)
    SELECT series_id, date_bin(${`${level.bucketMs / 1000} seconds`}::interval, ${srcTime}, TIMESTAMP '2000-01-01'),
      ${Prisma.raw(level.aggregates)}
    FROM ${src} WHERE ${srcTime} >= ${new Date(from)}::timestamp(3) AND ${srcTime} < ${new Date(to)}::timestamp(3)
    GROUP BY 1, 2
    ON CONFLICT (series_id, bucket) DO UPDATE SET avg = EXCLUDED.avg, min = EXCLUDED.min, max = EXCLUDED.max,
      last = EXCLUDED.last, samples = EXCLUDED.samples`;
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), rows, capped: to < end };
}
