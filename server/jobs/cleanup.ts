// Daily retention (docs/inventory.md, "Retention"): keeps the event log and
// the task list to CLEAN_EVENTS_OLDER_THAN / CLEAN_TASKS_OLDER_THAN days, alert history as events.
import { cleanupAlertHistory } from "../alerts/retention";
import { config } from "../config";
import { db } from "../db";

const DAY = 86_400_000;

export async function cleanupOldRecords(now = new Date()) {
  const { CLEAN_EVENTS_OLDER_THAN, CLEAN_TASKS_OLDER_THAN } = config();
  const events = await db().event.deleteMany({
    where: { timestamp: { lt: new Date(now.getTime() - CLEAN_EVENTS_OLDER_THAN * DAY) } },
  });
  const tasks = await db().task.deleteMany({
    where: {
      status: { in: ["succeeded", "failed", "cancelled", "interrupted"] },
      finishedAt: { lt: new Date(now.getTime() - CLEAN_TASKS_OLDER_THAN * DAY) },
    },
  });
  const alerts = await cleanupAlertHistory(new Date(now.getTime() - CLEAN_EVENTS_OLDER_THAN * DAY));
  return { eventsDeleted: events.count, tasksDeleted: tasks.count, ...alerts };
}
