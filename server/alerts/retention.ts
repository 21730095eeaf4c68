// Alert history is kept as long as events (CLEAN_EVENTS_OLDER_THAN days, docs/alerts.md,
// "Retention"): resolved alerts, sent or given-up messages with their attempts, ended silences.
// Open alerts and waiting messages are never deleted.
import { db } from "../db";

export async function cleanupAlertHistory(before: Date) {
  const alerts = await db().alert.deleteMany({ where: { state: "resolved", resolvedAt: { lt: before } } });
  const deliveries = await db().notificationDelivery.deleteMany({
    where: { status: { in: ["delivered", "expired"] }, createdAt: { lt: before } },
  });
  const silences = await db().alertSilence.deleteMany({ where: { endsAt: { lt: before } } });
  return { alertsDeleted: alerts.count, deliveriesDeleted: deliveries.count, silencesDeleted: silences.count };
}
