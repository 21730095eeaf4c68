-- The audit log (docs/audit.md). HAProxy command attempts, kept until now in haproxy_actions,
-- become audit rows (action 'haproxy.command'), so there is one record of who did what.

-- CreateEnum
CREATE TYPE "AuditActorKind" AS ENUM ('user', 'token', 'job');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('success', 'failure', 'refused');

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "seen_addresses" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "audit_log" (
    "id" SERIAL NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_kind" "AuditActorKind" NOT NULL,
    "actor_id" INTEGER,
    "actor_name" TEXT NOT NULL,
    "user_id" INTEGER,
    "action" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "target_label" TEXT,
    "changes" JSONB,
    "details" JSONB,
    "outcome" "AuditOutcome" NOT NULL,
    "error" TEXT,
    "client_address" TEXT,
    "user_agent" TEXT,
    "request_id" TEXT,
    "task_id" UUID,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_log_created_at_id_idx" ON "audit_log"("created_at", "id");

-- CreateIndex
CREATE INDEX "audit_log_user_id_created_at_id_idx" ON "audit_log"("user_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "audit_log_actor_name_created_at_id_idx" ON "audit_log"("actor_name", "created_at", "id");

-- CreateIndex
CREATE INDEX "audit_log_action_created_at_id_idx" ON "audit_log"("action", "created_at", "id");

-- CreateIndex
CREATE INDEX "audit_log_target_type_target_id_created_at_id_idx" ON "audit_log"("target_type", "target_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "audit_log_outcome_created_at_id_idx" ON "audit_log"("outcome", "created_at", "id");

-- CreateIndex
CREATE INDEX "audit_log_task_id_idx" ON "audit_log"("task_id");

-- The HAProxy action log, oldest first so ids keep their order. A task's commands were written
-- with the task starter's name as actor; they become rows of the update-task job.
INSERT INTO "audit_log" ("created_at", "actor_kind", "actor_name", "user_id", "action", "target_type", "target_id",
    "target_label", "details", "outcome", "error", "task_id")
SELECT a."created_at",
    CASE WHEN a."task_id" IS NOT NULL THEN 'job' WHEN a."actor" LIKE 'token:%' THEN 'token' ELSE 'user' END::"AuditActorKind",
    CASE WHEN a."task_id" IS NOT NULL THEN 'job:update-task' ELSE a."actor" END,
    u."id", 'haproxy.command', 'haproxy_server', a."haproxy_server_id"::text, a."target",
    jsonb_strip_nulls(jsonb_build_object('command', a."command"::text, 'instanceId', a."haproxy_instance_id",
        'durationMs', a."duration_ms", 'startedBy', CASE WHEN a."task_id" IS NOT NULL THEN a."actor" END)),
    CASE a."result"::text WHEN 'failed' THEN 'failure' ELSE a."result"::text END::"AuditOutcome",
    a."error", a."task_id"
FROM "haproxy_actions" a LEFT JOIN "users" u ON u."login" = a."actor"
ORDER BY a."id";

-- DropTable
DROP TABLE "haproxy_actions";

-- DropEnum ("HAProxyCommand" stays: the HAProxy bulk actions' tables use it)
DROP TYPE "ActionResult";

-- Append-only (docs/audit.md, "What is guaranteed"): UPDATE is always refused; DELETE only of
-- rows older than the cutoff audit_log_prune sets for its own transaction; TRUNCATE only when a
-- session says so on purpose (the test suite's reset). The table's owner can still drop these
-- triggers: the guarantee holds against the application's code, not against its owner role.
CREATE FUNCTION "audit_log_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cutoff text := current_setting('ac.audit_prune_before', true);
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit_log is append-only: rows cannot be changed' USING ERRCODE = 'insufficient_privilege';
    ELSIF TG_OP = 'DELETE' THEN
        IF cutoff IS NULL OR cutoff = '' OR OLD."created_at" >= cutoff::timestamp(3) THEN
            RAISE EXCEPTION 'audit_log is append-only: rows are deleted only past retention, by audit_log_prune'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    ELSIF TG_OP = 'TRUNCATE' THEN
        IF current_setting('ac.audit_allow_truncate', true) IS DISTINCT FROM 'on' THEN
            RAISE EXCEPTION 'audit_log is append-only: it cannot be truncated' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER "audit_log_no_update" BEFORE UPDATE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION "audit_log_guard"();
CREATE TRIGGER "audit_log_delete_past_retention" BEFORE DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION "audit_log_guard"();
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_guard"();

-- Deletes at most max_rows rows created before cutoff (UTC, as every time column holds), oldest
-- first; returns how many. The cutoff is set for this transaction only, so the trigger above lets
-- exactly these deletes through.
CREATE FUNCTION "audit_log_prune"(cutoff timestamp(3), max_rows integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    deleted integer;
BEGIN
    -- A fixed format, so the trigger reads it back whatever the session's DateStyle.
    PERFORM set_config('ac.audit_prune_before', to_char(cutoff, 'YYYY-MM-DD"T"HH24:MI:SS.MS'), true);
    DELETE FROM "audit_log" WHERE "id" IN (
        SELECT "id" FROM "audit_log" WHERE "created_at" < cutoff ORDER BY "created_at" LIMIT max_rows
    );
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('ac.audit_prune_before', '', true);
    RETURN deleted;
END $$;
