// What the cleanup job prunes: one rule per table that grows, in one list (docs/operations.md,
// "Retention"). A later table registers here with a setting in server/config.ts and an index on
// the column its condition and order use, so each batch is an index range scan.
import { finishedTaskStatuses } from "../../lib/tasks";
import type { Config } from "../config";
import { Prisma } from "../db";

export type RetentionRule = {
  /** The table pruned; also its key in the cleanup run's summary. */
  table: string;
  /** Its primary key column(s): a batch selects, then deletes, by it. */
  key: string | readonly string[];
  /** The setting holding the days kept; null when the rows say themselves when they are done. */
  setting: keyof Config | null;
  /** The setting's unit, when not days. */
  unit?: "hours";
  /** The setting holding this table's batches per run, when not CLEANUP_MAX_BATCHES. */
  maxBatches?: keyof Config;
  /** Rows past retention; `before` is now minus the setting's days (now without a setting). */
  where: (before: Date) => Prisma.Sql;
  /** Oldest first, on the indexed column of `where`. */
  orderBy: string;
};

// Never an open task (pending, running, paused): a paused one still holds its instances
// (docs/operations.md, "Retention").
const FINISHED = Prisma.sql`status IN (${Prisma.raw(finishedTaskStatuses.map((s) => `'${s}'`).join(", "))})`;

export const retentionRules: readonly RetentionRule[] = [
  {
    table: "events",
    key: "id",
    setting: "CLEAN_EVENTS_OLDER_THAN",
    where: (before) => Prisma.sql`"timestamp" < ${before}::timestamp(3)`,
    orderBy: `"timestamp"`,
  },
  {
    // The task's log is its `log` column: it goes with the row. Version history keeps its rows
    // (task_id becomes null), as it does for a deleted server.
    table: "tasks",
    key: "id",
    setting: "CLEAN_TASKS_OLDER_THAN",
    where: (before) => Prisma.sql`${FINISHED} AND finished_at < ${before}::timestamp(3)`,
    orderBy: "finished_at",
  },
  {
    table: "application_version_history",
    key: "id",
    setting: "CLEAN_VERSION_HISTORY_OLDER_THAN",
    where: (before) => Prisma.sql`changed_at < ${before}::timestamp(3)`,
    orderBy: "changed_at",
  },
  {
    table: "haproxy_server_status_history",
    key: "id",
    setting: "CLEAN_HAPROXY_STATUS_HISTORY_OLDER_THAN",
    where: (before) => Prisma.sql`changed_at < ${before}::timestamp(3)`,
    orderBy: "changed_at",
  },
  {
    // Servers before backends: a removed backend's servers, removed with it, are mostly gone by
    // the time the backend is, so its cascade stays small. A server takes its status history along.
    table: "haproxy_servers",
    key: "id",
    setting: "CLEAN_HAPROXY_REMOVED_OLDER_THAN",
    where: (before) => Prisma.sql`removed_at < ${before}::timestamp(3)`,
    orderBy: "removed_at",
  },
  {
    table: "haproxy_backends",
    key: "id",
    setting: "CLEAN_HAPROXY_REMOVED_OLDER_THAN",
    where: (before) => Prisma.sql`removed_at < ${before}::timestamp(3)`,
    orderBy: "removed_at",
  },
  {
    // Created by admins and tools, a few per day at most: no index needed for this scan.
    table: "api_tokens",
    key: "id",
    setting: "CLEAN_API_TOKENS_OLDER_THAN",
    where: (before) => Prisma.sql`(revoked_at < ${before}::timestamp(3) OR expires_at < ${before}::timestamp(3))`,
    orderBy: "id",
  },
  // Alert history (docs/alerts.md, "Retention"), kept as long as events; open alerts and waiting
  // messages are never deleted. A delivery takes its attempts along (foreign key cascade).
  {
    table: "alerts",
    key: "id",
    setting: "CLEAN_EVENTS_OLDER_THAN",
    where: (before) => Prisma.sql`state = 'resolved' AND resolved_at < ${before}::timestamp(3)`,
    orderBy: "resolved_at",
  },
  {
    table: "notification_deliveries",
    key: "id",
    setting: "CLEAN_EVENTS_OLDER_THAN",
    where: (before) => Prisma.sql`status IN ('delivered', 'expired') AND created_at < ${before}::timestamp(3)`,
    orderBy: "created_at",
  },
  {
    table: "alert_silences",
    key: "id",
    setting: "CLEAN_EVENTS_OLDER_THAN",
    where: (before) => Prisma.sql`ends_at < ${before}::timestamp(3)`,
    orderBy: "ends_at",
  },
  {
    // Finished bulk HAProxy actions (their items cascade), as long as tasks; a host maintenance not
    // yet ended stays, since ending it readies exactly its items (docs/haproxy.md).
    table: "haproxy_bulk_actions",
    key: "id",
    setting: "CLEAN_TASKS_OLDER_THAN",
    where: (before) =>
      Prisma.sql`status <> 'running' AND created_at < ${before}::timestamp(3) AND NOT (kind = 'host' AND ended_by_id IS NULL)`,
    orderBy: "created_at",
  },
  // Metric history (docs/history.md, "Retention"): raw samples by the hour, rollups by the day,
  // each with its own batch budget, since a large HAProxy fleet writes millions of samples a day.
  ...(
    [
      ["history_raw", "ts", "HISTORY_RAW_RETENTION_HOURS"],
      ["history_5m", "bucket", "HISTORY_5M_RETENTION_DAYS"],
      ["history_1h", "bucket", "HISTORY_1H_RETENTION_DAYS"],
    ] as const
  ).map(([table, time, setting]): RetentionRule => ({
    table,
    key: ["series_id", time],
    setting,
    ...(table === "history_raw" ? { unit: "hours" as const } : {}),
    maxBatches: "HISTORY_CLEANUP_MAX_BATCHES",
    where: (before) => Prisma.sql`${Prisma.raw(time)} < ${before}::timestamp(3)`,
    orderBy: time,
  })),
  {
    // A series none of whose samples are left (a removed server's, an old version's), after the
    // rules above: by id, each checked through the levels' (series_id, time) keys.
    table: "history_series",
    key: "id",
    setting: null,
    where: () =>
      Prisma.join(
        ["history_raw", "history_5m", "history_1h"].map(
          (level) => Prisma.sql`NOT EXISTS (SELECT FROM ${Prisma.raw(level)} r WHERE r.series_id = history_series.id)`,
        ),
        " AND ",
      ),
    orderBy: "id",
  },
  {
    // rate-limiter-flexible's counters (server/auth/login-limiter.ts): done once expired
    // (`expire`, epoch ms). The library's own sweep is off: it would run unbatched on every replica.
    table: "login_limits",
    key: "key",
    setting: null,
    where: (now) => Prisma.sql`expire < ${now.getTime()}::bigint`,
    orderBy: "expire",
  },
];
