// ac_alerts_firing{severity}: the alerts firing now, by severity (docs/metrics.md). The one place
// the metrics read alerts from. The alert rules (issue 14's "Alert rules", built alongside) own the
// table of firing alerts; until they are merged, no alert fires and the metric has no series.
export type FiringAlertCount = { severity: string; count: number };

/** One grouped query over the firing alerts, run once per scrape. */
export async function firingAlertCounts(): Promise<FiringAlertCount[]> {
  return [];
}
