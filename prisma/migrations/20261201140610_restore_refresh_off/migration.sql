-- Gives Off back to the users who had chosen it (docs/architecture.md, "Change feed", Fallback).
-- users.refresh_seconds changed meaning with the live pages (migration 20261201111657_live_task_notify
-- shipped with that code): 0, the column's default, had meant "auto-refresh off" and became Live;
-- Off became -1. No migration carried the old choice over, so everyone who had picked Off got Live.
--
-- A stored 0 cannot tell "picked Off" from "never picked" (the default was 0 too, and was Off too):
-- the only record of a choice is the audit log (migration 20261201093649_audit_log), one
-- users.setRefreshInterval row per pick with the value picked. So a user gets Off (-1) back when
-- - refresh_seconds is still 0,
-- - their last successful pick before the live pages' migration was applied was 0 (then: Off), and
-- - they have picked nothing since (a 0 picked since is a deliberate Live).
-- Picks made before the audit log existed, or pruned from it (AC_AUDIT_RETENTION_DAYS), are not
-- known: those users keep Live, the new default, as do those who never picked. A database that gets
-- both migrations in one run never showed Live to anyone: every recorded Off comes back. A pick of
-- Off made on a replica still running the old code after that migration was applied reads as Live.
-- Each restored user gets an audit row, so an admin can see what changed and why.
WITH live_release AS (
  SELECT finished_at AT TIME ZONE 'UTC' AS at FROM _prisma_migrations
  WHERE migration_name = '20261201111657_live_task_notify' AND finished_at IS NOT NULL AND rolled_back_at IS NULL
),
last_picks AS (
  SELECT DISTINCT ON (a.actor_id) a.actor_id AS user_id, a.changes -> 'refreshSeconds' ->> 'to' AS picked,
    a.created_at < r.at AS before_live
  FROM audit_log a CROSS JOIN live_release r
  WHERE a.action = 'users.setRefreshInterval' AND a.outcome = 'success' AND a.actor_kind = 'user'
  ORDER BY a.actor_id, a.created_at DESC, a.id DESC
),
restored AS (
  UPDATE users u SET refresh_seconds = -1
  FROM last_picks p
  WHERE p.user_id = u.id AND u.refresh_seconds = 0 AND p.before_live AND p.picked = '0'
  RETURNING u.id, u.login
)
INSERT INTO audit_log (created_at, actor_kind, actor_name, user_id, action, target_type, target_id, target_label,
  changes, details, outcome)
SELECT (now() AT TIME ZONE 'UTC')::timestamp(3), 'job'::"AuditActorKind", 'job:migration', id,
  'users.restoreRefreshOff', 'user', id::text, login,
  '{"refreshSeconds": {"from": 0, "to": -1}}'::jsonb,
  '{"why": "Off was stored as 0 until the live pages made 0 mean Live; this user had picked Off"}'::jsonb,
  'success'::"AuditOutcome"
FROM restored;
