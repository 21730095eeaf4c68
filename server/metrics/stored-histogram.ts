// Histograms whose counts live in PostgreSQL (metric_histograms), so every replica exposes the same
// figures, whichever of them ran the job (docs/metrics.md, "Durations"). An observation is one
// upsert that adds to the stored counts; a scrape reads every row in one query.
import type { Metric } from "prom-client";
import { db } from "../db";

export type StoredSeries = { series: string; bounds: number[]; counts: number[]; sum: number; count: number };

/** Upper bounds in seconds of the job-duration buckets: a heartbeat takes milliseconds, a poll cycle at 20,000 servers tens of seconds. */
export const JOB_DURATION_BOUNDS = [0.05, 0.25, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800];

/** Adds one value to a stored histogram, atomically (two replicas may observe at once). */
export async function observeStored(name: string, series: string, bounds: number[], value: number): Promise<void> {
  const bucket = bounds.findIndex((bound) => value <= bound); // -1: above every bound, the +Inf bucket
  const counts = [...bounds, Infinity].map((_, i) => (i === (bucket === -1 ? bounds.length : bucket) ? 1 : 0));
  // Other bounds stored (the code changed them): the series starts again, which Prometheus reads as a counter reset.
  await db().$executeRaw`
    INSERT INTO metric_histograms (name, series, bounds, counts, sum, count, updated_at)
    VALUES (${name}, ${series}, ${bounds}::float8[], ${counts}::bigint[], ${value}, 1, ${new Date()}::timestamp(3))
    ON CONFLICT (name, series) DO UPDATE SET
      counts = CASE WHEN metric_histograms.bounds = EXCLUDED.bounds THEN ARRAY(
          SELECT old.n + new.n FROM unnest(metric_histograms.counts) WITH ORDINALITY AS old(n, i)
          JOIN unnest(EXCLUDED.counts) WITH ORDINALITY AS new(n, i) USING (i) ORDER BY i)
        ELSE EXCLUDED.counts END,
      sum = CASE WHEN metric_histograms.bounds = EXCLUDED.bounds THEN metric_histograms.sum + EXCLUDED.sum ELSE EXCLUDED.sum END,
      count = CASE WHEN metric_histograms.bounds = EXCLUDED.bounds THEN metric_histograms.count + 1 ELSE 1 END,
      bounds = EXCLUDED.bounds,
      updated_at = EXCLUDED.updated_at`;
}

/** Every stored series, by metric name: one query per scrape. */
export async function readStoredHistograms(): Promise<Map<string, StoredSeries[]>> {
  const rows = await db().metricHistogram.findMany({ orderBy: [{ name: "asc" }, { series: "asc" }] });
  const byName = new Map<string, StoredSeries[]>();
  for (const row of rows) {
    const series = {
      series: row.series,
      bounds: row.bounds,
      counts: row.counts.map(Number),
      sum: row.sum,
      count: Number(row.count),
    };
    byName.set(row.name, [...(byName.get(row.name) ?? []), series]);
  }
  return byName;
}

/**
 * A histogram for prom-client's registry whose values come from stored series. prom-client has no
 * way to load a histogram's state, so this is the metric object its own cluster aggregation
 * registers (AggregatorRegistry.aggregate): name, help, type, aggregator and get(); the registry
 * formats and escapes it like any other.
 */
export function storedHistogram(options: {
  name: string;
  help: string;
  labelName: string;
  series: () => StoredSeries[];
}): Metric {
  const { name, help, labelName } = options;
  const get = async () => ({
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    values: options.series().flatMap((s) => {
      const labels = { [labelName]: s.series };
      let cumulative = 0;
      const buckets = s.bounds.map((bound, i) => ({
        metricName: `${name}_bucket`,
        labels: { ...labels, le: bound },
        value: (cumulative += s.counts[i] ?? 0),
      }));
      return [
        ...buckets,
        { metricName: `${name}_bucket`, labels: { ...labels, le: "+Inf" }, value: s.count },
        { metricName: `${name}_sum`, labels, value: s.sum },
        { metricName: `${name}_count`, labels, value: s.count },
      ];
    }),
  });
  return { name, help, type: "histogram", aggregator: "sum", get, reset: () => undefined } as unknown as Metric;
}

export const JOB_DURATION_METRIC = "ac_job_duration_seconds";

/** Records how long a scheduled job ran; a failure to record is logged, never the job's failure. */
export const observeJobDuration = (job: string, durationMs: number): Promise<void> =>
  observeStored(JOB_DURATION_METRIC, job, JOB_DURATION_BOUNDS, durationMs / 1000).catch((error: unknown) =>
    console.warn(`[ac] could not record the duration of job ${job}: ${String(error)}`),
  );
