-- The default rule for paused tasks (docs/alerts.md, "Default rules"): a task waiting for Continue
-- holds its instances and no runner goes on by itself, so someone should hear of it. Once, as the
-- other default rules; admins edit, disable or delete it.
INSERT INTO "alert_rules" ("name", "kind", "params", "severity", "for_seconds", "created_at", "updated_at")
VALUES ('Update task paused for an hour', 'task_paused', '{"minutes":60}', 'warning', 0,
  now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
ON CONFLICT ("name") DO NOTHING;
