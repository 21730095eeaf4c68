// The metric history against real PostgreSQL (docs/history.md): raw samples written over simulated
// hours roll up into exact 5-minute and hourly rows, a backlog is rolled up a bounded span per run,
// pruning removes only what is past each table's retention and in batches, and a chart's query
// picks its table from the range and returns a bounded number of points.
import { beforeEach, describe, expect, it } from "vitest";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { MAX_SERIES, chosenSeriesFor, readSeries } from "@/server/history/query";
import { rollUp } from "@/server/history/rollup";
import { cleanupOldRecords } from "@/server/jobs/cleanup";
import { retentionRules } from "@/server/jobs/retention";
import { CHART_RANGES, MAX_POINTS } from "@/lib/history";
import { resetDatabase } from "@/tests/setup/db-helpers";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const start = new Date("2026-11-20T10:00:00Z"); // on the hour

beforeEach(() => resetDatabase());

async function series(kind: string, label = ""): Promise<number> {
  return (await db().historySeries.create({ data: { kind, subjectId: 7, label } })).id;
}

/** A sample every `every` minutes for `minutes` minutes from `from`; the value is the minute's number. */
async function samples(seriesId: number, from: Date, minutes: number, every = 1) {
  await db().$executeRaw`
    INSERT INTO history_raw (series_id, ts, value)
    SELECT ${seriesId}, ${from}::timestamp(3) + m * interval '1 minute', m
    FROM generate_series(0, ${minutes - 1}, ${every}) AS m`;
}

type RollupRow = { bucket: Date; avg: number; min: number; max: number; last: number; samples: number };
const rows = (table: "history_5m" | "history_1h", seriesId: number) =>
  db().$queryRawUnsafe<RollupRow[]>(
    `SELECT bucket, avg, min, max, last, samples FROM ${table} WHERE series_id = $1 ORDER BY bucket`,
    seriesId,
  );

describe("rollups", () => {
  it("turns two hours of samples into exact 5-minute and hourly rows", async () => {
    const everyMinute = await series("test.a");
    const everyTwo = await series("test.b");
    await samples(everyMinute, start, 120);
    await samples(everyTwo, start, 120, 2);
    await rollUp(new Date(start.getTime() + 2 * HOUR + 30_000));

    const fiveMin = await rows("history_5m", everyMinute);
    expect(fiveMin).toHaveLength(24);
    // Minutes 5k … 5k+4 in bucket k.
    fiveMin.forEach((row, k) =>
      expect(row).toEqual({
        bucket: new Date(start.getTime() + k * 5 * MINUTE),
        avg: 5 * k + 2,
        min: 5 * k,
        max: 5 * k + 4,
        last: 5 * k + 4,
        samples: 5,
      }),
    );
    expect(await rows("history_1h", everyMinute)).toEqual([
      { bucket: start, avg: 29.5, min: 0, max: 59, last: 59, samples: 60 },
      { bucket: new Date(start.getTime() + HOUR), avg: 89.5, min: 60, max: 119, last: 119, samples: 60 },
    ]);

    // Even minutes: buckets alternate 3 and 2 samples. The hour's average weighs them (29, not the 29.5
    // an average of the buckets' averages would give).
    const twoMin = await rows("history_5m", everyTwo);
    expect(twoMin.slice(0, 2)).toEqual([
      { bucket: start, avg: 2, min: 0, max: 4, last: 4, samples: 3 },
      { bucket: new Date(start.getTime() + 5 * MINUTE), avg: 7, min: 6, max: 8, last: 8, samples: 2 },
    ]);
    expect((await rows("history_1h", everyTwo))[0]).toEqual({
      bucket: start,
      avg: 29,
      min: 0,
      max: 58,
      last: 58,
      samples: 30,
    });
  });

  it("rolls up only complete buckets and recomputes the newest ones: running again or twice at once changes nothing", async () => {
    const id = await series("test.a");
    await samples(id, start, 62); // up to 11:01
    await rollUp(new Date(start.getTime() + 62 * MINUTE));
    // The 11:00 bucket is not complete yet, and the 11:00 hour neither.
    expect((await rows("history_5m", id)).map((r) => r.bucket)).toHaveLength(12);
    expect(await rows("history_1h", id)).toHaveLength(1);

    await samples(id, new Date(start.getTime() + 62 * MINUTE), 10); // values 0…9 at 11:02 … 11:11
    const later = new Date(start.getTime() + 75 * MINUTE);
    await Promise.all([rollUp(later), rollUp(later)]);
    const before = await rows("history_5m", id);
    await rollUp(later);
    expect(await rows("history_5m", id)).toEqual(before);
    // 11:00–11:05: minutes 60, 61 and the new samples 0, 1, 2 (11:02, 11:03, 11:04).
    expect(before[12]).toEqual({
      bucket: new Date(start.getTime() + HOUR),
      avg: (60 + 61 + 0 + 1 + 2) / 5,
      min: 0,
      max: 61,
      last: 2,
      samples: 5,
    });
    expect(before).toHaveLength(15);
  });

  it("works off a backlog a bounded span per run, the hourly level never ahead of the 5-minute one", async () => {
    const id = await series("test.a");
    await samples(id, start, 9 * 60);
    const now = new Date(start.getTime() + 9 * HOUR);
    const first = await rollUp(now);
    expect(first["5m"]).toMatchObject({ capped: true, to: new Date(start.getTime() + 6 * HOUR).toISOString() });
    expect(await rows("history_1h", id)).toHaveLength(6);
    const second = await rollUp(now);
    expect(second["5m"]?.capped).toBe(false);
    expect(await rows("history_5m", id)).toHaveLength(9 * 12);
    const hours = await rows("history_1h", id);
    expect(hours).toHaveLength(9);
    expect(hours.map((h) => h.samples)).toEqual(Array(9).fill(60));
  });

  it("skips a gap in the data instead of stopping at it", async () => {
    const id = await series("test.a");
    await samples(id, start, 10);
    await rollUp(new Date(start.getTime() + 15 * MINUTE));
    await samples(id, new Date(start.getTime() + 20 * HOUR), 10); // AC was off for most of a day
    await rollUp(new Date(start.getTime() + 20 * HOUR + 15 * MINUTE));
    expect((await rows("history_5m", id)).map((r) => r.bucket.toISOString())).toEqual([
      "2026-11-20T10:00:00.000Z",
      "2026-11-20T10:05:00.000Z",
      "2026-11-21T06:00:00.000Z",
      "2026-11-21T06:05:00.000Z",
    ]);
  });
});

describe("retention", () => {
  const now = new Date("2026-11-22T12:00:00Z");
  const history = retentionRules.filter((rule) => rule.table.startsWith("history_"));

  it("has a rule per history table, the raw one in hours", () => {
    expect(history.map((r) => [r.table, r.setting, r.unit ?? "days"])).toEqual([
      ["history_raw", "HISTORY_RAW_RETENTION_HOURS", "hours"],
      ["history_5m", "HISTORY_5M_RETENTION_DAYS", "days"],
      ["history_1h", "HISTORY_1H_RETENTION_DAYS", "days"],
      ["history_series", null, "days"],
    ]);
  });

  it("deletes the series whose samples are all gone, after them, and keeps every other", async () => {
    const day = 24 * HOUR;
    const rollup = (seriesId: number, bucket: Date) => ({
      seriesId,
      bucket,
      avg: 1,
      min: 1,
      max: 1,
      last: 1,
      samples: 1,
    });
    const ids: number[] = [];
    for (const label of ["raw", "5m", "1h", "hour", "gone", "empty"]) ids.push(await series("test.prune", label));
    const [rawOnly, old5m, old1h, inHour, gone] = ids;
    await samples(rawOnly!, new Date(now.getTime() - 10 * MINUTE), 3);
    await samples(gone!, new Date(now.getTime() - 49 * HOUR), 3); // past the raw retention
    await db().history5m.create({ data: rollup(old5m!, new Date(now.getTime() - 29 * day)) });
    await db().history5m.create({ data: rollup(gone!, new Date(now.getTime() - 31 * day)) });
    await db().history1h.create({ data: rollup(old1h!, new Date(now.getTime() - 300 * day)) });
    await db().history1h.create({ data: rollup(inHour!, new Date(now.getTime() - 2 * HOUR)) });
    await db().history1h.create({ data: rollup(gone!, new Date(now.getTime() - 366 * day)) });

    const run = await cleanupOldRecords(now, { batchSize: 1, maxBatches: 50 });
    expect(run.deleted).toMatchObject({ history_raw: 3, history_5m: 1, history_1h: 1, history_series: 2 });
    const left = await db().historySeries.findMany({ orderBy: { id: "asc" } });
    expect(left.map((s) => s.id)).toEqual([rawOnly, old5m, old1h, inHour]);
  });

  it("deletes only rows past each table's retention, in bounded batches over several runs", async () => {
    process.env.HISTORY_CLEANUP_MAX_BATCHES = "2";
    reloadConfig();
    try {
      const id = await series("test.a");
      // Raw: 25 minutes just past 48 h, 5 just inside.
      await samples(id, new Date(now.getTime() - 48 * HOUR - 25 * MINUTE), 30);
      const rollup = (bucket: Date) => ({ seriesId: id, bucket, avg: 1, min: 1, max: 1, last: 1, samples: 1 });
      const day = 24 * HOUR;
      await db().history5m.createMany({
        data: [31, 30.01, 29.99].map((d) => rollup(new Date(now.getTime() - d * day))),
      });
      await db().history1h.createMany({
        data: [366, 365.01, 364.99].map((d) => rollup(new Date(now.getTime() - d * day))),
      });
      const limits = { batchSize: 10, maxBatches: 50 };

      const first = await cleanupOldRecords(now, limits);
      expect(first.deleted).toMatchObject({ history_raw: 20, history_5m: 2, history_1h: 2 });
      expect(first.unfinished).toEqual(["history_raw"]);
      const second = await cleanupOldRecords(now, limits);
      expect(second).toEqual({ deleted: { history_raw: 5 }, unfinished: [] });

      const kept = await db().historyRaw.findMany({ orderBy: { ts: "asc" } });
      expect(kept.map((r) => r.value)).toEqual([25, 26, 27, 28, 29]);
      expect(kept[0]!.ts.getTime()).toBeGreaterThanOrEqual(now.getTime() - 48 * HOUR);
      expect(await db().history5m.count()).toBe(1);
      expect(await db().history1h.count()).toBe(1);
    } finally {
      delete process.env.HISTORY_CLEANUP_MAX_BATCHES;
      reloadConfig();
    }
  });
});

describe("a chart's query", () => {
  it("reads raw samples for a day, rollups for longer ranges, never more than MAX_POINTS steps", async () => {
    const now = Date.now();
    const id = await series("test.chart", "UP");
    await db().historySeries.create({ data: { kind: "test.chart", subjectId: 8, label: "UP" } }); // another subject
    await samples(id, new Date(now - 90 * MINUTE), 90); // minute values 0…89, the last a minute ago
    const day = await readSeries("test.chart", 7, { range: "1h" });
    expect(day.resolution).toBe("raw");
    expect(day.series.map((s) => s.label)).toEqual(["UP"]);
    // One sample per step at this range: the stored values themselves.
    expect(day.series[0]!.values.slice(-3)).toEqual([87, 88, 89]);
    expect(day.timestamps.length).toBeLessThanOrEqual(MAX_POINTS);

    const rollup = (bucket: number, avg: number) => ({
      seriesId: id,
      bucket: new Date(bucket),
      avg,
      min: 1,
      max: 9,
      last: 2,
      samples: 5,
    });
    await db().history5m.create({ data: rollup(now - 3 * 86_400_000, 4) });
    const week = await readSeries("test.chart", 7, { range: "7d" });
    expect(week.resolution).toBe("5m");
    expect(week.stepSeconds).toBeGreaterThanOrEqual((7 * 86_400) / MAX_POINTS);
    const [first] = week.series;
    expect([first!.values[0], first!.min![0], first!.max![0]]).toEqual([4, 1, 9]);
    expect(week.timestamps.length).toBeGreaterThan(1); // the newest stretch, not rolled up yet, from the raw samples

    // 30 days: hourly rows (720 steps at most), and after the newest hour the 5-minute rows.
    const hour = Math.floor(now / 3_600_000) * 3_600_000;
    await db().history1h.create({ data: rollup(hour - 10 * 86_400_000, 6) });
    await db().history1h.create({ data: rollup(hour - 2 * 86_400_000, 8) });
    const month = await readSeries("test.chart", 7, { range: "30d" });
    expect(month.resolution).toBe("1h");
    expect(month.stepSeconds).toBe(3600);
    expect(month.series[0]!.values).toEqual([6, 8]); // the 5-minute row is older than the newest hour: not read twice

    const year = await readSeries("test.chart", 7, {
      range: "custom",
      from: new Date(now - 200 * 86_400_000),
      to: new Date(now),
    });
    expect(year.resolution).toBe("1h");
    expect(year.timestamps.length).toBeLessThanOrEqual(MAX_POINTS);
  });

  it("shows the series with samples in the range, the largest first, and says how many it left out", async () => {
    const now = Date.now();
    // The reviewer's case: 40 versions of long ago sort before the current one by name.
    for (let n = 0; n < 40; n++) {
      const stale = await series("test.versions", `0.stale-${String(n).padStart(2, "0")}`);
      await samples(stale, new Date(now - 40 * HOUR), 1);
    }
    const current = await series("test.versions", "2.0");
    await samples(current, new Date(now - 5 * MINUTE), 1);
    const hour = await readSeries("test.versions", 7, { range: "1h" });
    expect(hour.series.map((s) => s.label)).toEqual(["2.0"]);
    expect(hour.omitted).toBe(0);

    // More series in the range than a chart shows: the ones with the largest newest value.
    for (let n = 0; n < 44; n++) {
      const id = await series("test.many", `v${String(n).padStart(2, "0")}`);
      await db().historyRaw.create({ data: { seriesId: id, ts: new Date(now - 2 * MINUTE), value: n } });
    }
    const many = await readSeries("test.many", 7, { range: "1h" });
    expect(many.series.map((s) => s.label)).toEqual(
      Array.from({ length: MAX_SERIES }, (_, i) => `v${String(i + 4).padStart(2, "0")}`),
    );
    expect(many.omitted).toBe(4);
  });

  it.each([["1h"], ["7d"], ["30d"]] as const)("picks a %s chart's series through the indexes", async (range) => {
    const now = Date.now();
    const from = now - CHART_RANGES[range] * 1000;
    // A fleet's shape, analyzed: many series, every one with rows all over the range. The plan then
    // follows these statistics, not those a previous test left (a near-empty table once made the
    // planner walk the time index instead, which at scale reads every series' rows).
    await db().$executeRaw`
      INSERT INTO history_series (kind, subject_id, label)
      SELECT 'test.x', s % 50, 'v' || s FROM generate_series(1, 1000) AS s`;
    const [seeded] = await db().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM history_series`;
    expect(Number(seeded!.n)).toBe(1000);
    const spread = (table: string, time: string, columns: string, values: string) =>
      db().$executeRawUnsafe(
        `INSERT INTO ${table} (series_id, ${time}, ${columns})
         SELECT hs.id, now()::timestamp(3) - (m * $1::float8 / 30) * interval '1 second', ${values}
         FROM history_series hs, generate_series(1, 30) AS m`,
        CHART_RANGES[range],
      );
    await spread("history_raw", "ts", "value", "m");
    await spread("history_5m", "bucket", "avg, min, max, last, samples", "m, m, m, m, 1");
    await spread("history_1h", "bucket", "avg, min, max, last, samples", "m, m, m, m, 1");
    await db().$executeRaw`ANALYZE history_series, history_raw, history_5m, history_1h`;
    const [, , plan] = await db().$transaction([
      db().$executeRaw`SET LOCAL enable_seqscan = off`,
      db().$executeRaw`SET LOCAL enable_bitmapscan = off`,
      db().$queryRaw<
        { "QUERY PLAN": unknown }[]
      >`EXPLAIN (FORMAT JSON) ${chosenSeriesFor("test.x", 7, from, now, now)}`,
    ]);
    const text = JSON.stringify(plan).replace(/\\"/g, '"').replace(/\s/g, "");
    expect(text).not.toContain('"NodeType":"SeqScan"');
    // Each series' newest row: one backward step on its level's key, no sort but the final pick's.
    const table = { "1h": "history_raw", "7d": "history_5m", "30d": "history_1h" }[range];
    expect(text).toContain(`"ScanDirection":"Backward","IndexName":"${table}_pkey"`);
    expect(text).toContain('"IndexCond":"((series_id=hs.id)');
    expect(text.match(/"NodeType":"Sort"/g)).toHaveLength(1);
  });

  it("refuses a custom range that is reversed, incomplete or longer than allowed", async () => {
    const at = (days: number) => new Date(Date.now() - days * 86_400_000);
    await expect(readSeries("x", 1, { range: "custom", from: at(1), to: at(2) })).rejects.toThrow(/before its end/);
    await expect(readSeries("x", 1, { range: "custom", from: at(1) })).rejects.toThrow(/both from and to/);
    await expect(readSeries("x", 1, { range: "custom", from: at(400), to: at(0) })).rejects.toThrow(/at most 366/);
  });
});
