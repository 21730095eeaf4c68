-- CreateEnum
CREATE TYPE "AlertRuleKind" AS ENUM ('server_offline', 'instance_status', 'group_online_low', 'group_version_drift', 'haproxy_server_status', 'backend_up_low', 'breaker_open', 'sync_failing', 'task_failed', 'poll_cycle', 'agent_reply_invalid');

-- CreateEnum
CREATE TYPE "AlertScopeKind" AS ENUM ('all', 'catalog', 'group', 'server', 'haproxy_instance', 'haproxy_backend');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('info', 'warning', 'critical');

-- CreateEnum
CREATE TYPE "AlertState" AS ENUM ('pending', 'firing', 'resolved');

-- CreateEnum
CREATE TYPE "ChannelType" AS ENUM ('webhook', 'slack', 'telegram', 'email');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('queued', 'delivered', 'expired');

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AlertRuleKind" NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "scope_kind" "AlertScopeKind" NOT NULL DEFAULT 'all',
    "scope_id" INTEGER,
    "severity" "AlertSeverity" NOT NULL DEFAULT 'warning',
    "for_seconds" INTEGER NOT NULL DEFAULT 300,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" SERIAL NOT NULL,
    "rule_id" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "subject_label" TEXT NOT NULL,
    "state" "AlertState" NOT NULL,
    "open" BOOLEAN DEFAULT true,
    "detail" TEXT,
    "pending_since" TIMESTAMP(3) NOT NULL,
    "fired_at" TIMESTAMP(3),
    "resolved_at" TIMESTAMP(3),
    "acknowledged_at" TIMESTAMP(3),
    "acknowledged_by" TEXT,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_silences" (
    "id" SERIAL NOT NULL,
    "rule_id" INTEGER,
    "kind" "AlertRuleKind",
    "scope_kind" "AlertScopeKind",
    "scope_id" INTEGER,
    "subject_pattern" TEXT,
    "starts_at" TIMESTAMP(3) NOT NULL,
    "ends_at" TIMESTAMP(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_silences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_channels" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "type" "ChannelType" NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "secrets" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "route_rule_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "route_kinds" "AlertRuleKind"[] DEFAULT ARRAY[]::"AlertRuleKind"[],
    "route_scopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "min_severity" "AlertSeverity" NOT NULL DEFAULT 'info',
    "repeat_interval_seconds" INTEGER NOT NULL DEFAULT 14400,
    "send_resolved" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_notifications" (
    "alert_id" INTEGER NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "last_firing_at" TIMESTAMP(3) NOT NULL,
    "resolved_sent_at" TIMESTAMP(3),

    CONSTRAINT "alert_notifications_pkey" PRIMARY KEY ("alert_id","channel_id")
);

-- CreateTable
CREATE TABLE "notification_deliveries" (
    "id" SERIAL NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMP(3),

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_attempts" (
    "id" SERIAL NOT NULL,
    "delivery_id" INTEGER NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "notification_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_rules_name_key" ON "alert_rules"("name");

-- CreateIndex
CREATE INDEX "alert_rules_kind_idx" ON "alert_rules"("kind");

-- CreateIndex
CREATE INDEX "alerts_state_id_idx" ON "alerts"("state", "id");

-- CreateIndex
CREATE INDEX "alerts_resolved_at_idx" ON "alerts"("resolved_at");

-- CreateIndex
CREATE UNIQUE INDEX "alerts_rule_id_subject_open_key" ON "alerts"("rule_id", "subject", "open");

-- CreateIndex
CREATE INDEX "alert_silences_ends_at_idx" ON "alert_silences"("ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "notification_channels_name_key" ON "notification_channels"("name");

-- CreateIndex
CREATE INDEX "alert_notifications_channel_id_idx" ON "alert_notifications"("channel_id");

-- CreateIndex
CREATE INDEX "notification_deliveries_channel_id_status_id_idx" ON "notification_deliveries"("channel_id", "status", "id");

-- CreateIndex
CREATE INDEX "notification_deliveries_created_at_idx" ON "notification_deliveries"("created_at");

-- CreateIndex
CREATE INDEX "notification_attempts_channel_id_id_idx" ON "notification_attempts"("channel_id", "id");

-- CreateIndex
CREATE INDEX "notification_attempts_delivery_id_idx" ON "notification_attempts"("delivery_id");

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_notifications" ADD CONSTRAINT "alert_notifications_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_notifications" ADD CONSTRAINT "alert_notifications_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "notification_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "notification_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Default rules (docs/alerts.md, "Default rules"): here, so they exist once after the first start however many
-- replicas start together (the migrations runner holds its lock); admins edit, disable or delete them.
INSERT INTO "alert_rules" ("name", "kind", "params", "severity", "for_seconds", "created_at", "updated_at")
SELECT v.name, v.kind::"AlertRuleKind", v.params::jsonb, v.severity::"AlertSeverity", v.for_seconds, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
FROM (VALUES
    ('Server offline', 'server_offline', '{}', 'critical', 120),
    ('Instance offline', 'instance_status', '{"statuses":["offline"]}', 'warning', 300),
    ('Group below half online', 'group_online_low', '{"minPercent":50}', 'critical', 300),
    ('Versions drift in a group', 'group_version_drift', '{}', 'info', 86400),
    ('HAProxy server DOWN', 'haproxy_server_status', '{"statuses":["DOWN"]}', 'critical', 120),
    ('Backend below half UP', 'backend_up_low', '{"minPercent":50}', 'critical', 120),
    ('HAProxy circuit breaker open', 'breaker_open', '{}', 'warning', 0),
    ('HAProxy sync failing', 'sync_failing', '{}', 'warning', 300),
    ('Update task failed', 'task_failed', '{"statuses":["failed","interrupted"],"withinSeconds":86400}', 'warning', 0),
    ('Poll cycle overdue or failing', 'poll_cycle', '{"overdueFactor":3,"maxFailingPercent":20}', 'critical', 300),
    ('Agent reply invalid', 'agent_reply_invalid', '{}', 'info', 600)
) AS v(name, kind, params, severity, for_seconds)
ON CONFLICT ("name") DO NOTHING;
