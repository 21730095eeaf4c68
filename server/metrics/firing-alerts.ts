// ac_alerts_firing{severity}: the alerts firing now, by severity (docs/metrics.md): the one place
// the metrics read alerts from (server/alerts owns the table). Silenced alerts count: they fire.
import { db } from "../db";

export type FiringAlertCount = { severity: string; count: number };

/** One grouped query over the firing alerts, run once per scrape. */
export async function firingAlertCounts(): Promise<FiringAlertCount[]> {
  return db().$queryRaw<FiringAlertCount[]>`
    SELECT r.severity::text AS severity, count(*)::int AS count
    FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
    WHERE a.state = 'firing' GROUP BY r.severity`;
}
