-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ServerStatus" AS ENUM ('online', 'offline', 'unknown');

-- CreateEnum
CREATE TYPE "AppType" AS ENUM ('docker', 'site', 'service', 'eureka');

-- CreateEnum
CREATE TYPE "InstanceStatus" AS ENUM ('online', 'offline', 'unknown', 'starting', 'stopping', 'no_data');

-- CreateEnum
CREATE TYPE "EventType" AS ENUM ('start', 'stop', 'restart', 'update', 'connect', 'disconnect');

-- CreateEnum
CREATE TYPE "ChangedBy" AS ENUM ('user', 'agent');

-- CreateEnum
CREATE TYPE "ChangeSource" AS ENUM ('update_task', 'polling', 'manual');

-- CreateEnum
CREATE TYPE "BatchGroupingStrategy" AS ENUM ('one_at_a_time', 'by_server', 'fixed_size', 'by_instance_number', 'all_at_once');

-- CreateEnum
CREATE TYPE "MappingType" AS ENUM ('manual', 'auto');

-- CreateEnum
CREATE TYPE "HAProxyCommand" AS ENUM ('drain', 'ready', 'maint');

-- CreateEnum
CREATE TYPE "ActionResult" AS ENUM ('success', 'failed', 'refused');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'operator', 'admin');

-- CreateTable
CREATE TABLE "servers" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "status" "ServerStatus" NOT NULL DEFAULT 'unknown',
    "last_check" TIMESTAMP(3),
    "last_error" TEXT,
    "is_haproxy_node" BOOLEAN NOT NULL DEFAULT false,
    "is_eureka_node" BOOLEAN NOT NULL DEFAULT false,
    "agent_token" TEXT,
    "apps_fingerprint" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "servers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application_catalog" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "app_type" "AppType" NOT NULL,
    "description" TEXT,
    "default_playbook_path" TEXT,
    "default_artifact_url" TEXT,
    "default_artifact_ext" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "application_catalog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application_groups" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "catalog_id" INTEGER,
    "description" TEXT,
    "artifact_list_url" TEXT,
    "artifact_extension" TEXT,
    "update_playbook_path" TEXT,
    "batch_grouping_strategy" "BatchGroupingStrategy" NOT NULL DEFAULT 'one_at_a_time',
    "batch_size" INTEGER,
    "tags_cache" JSONB,
    "tags_cache_updated_at" TIMESTAMP(3),
    "tags_cache_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "application_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application_instances" (
    "id" SERIAL NOT NULL,
    "server_id" INTEGER NOT NULL,
    "catalog_id" INTEGER,
    "group_id" INTEGER,
    "instance_name" TEXT NOT NULL,
    "instance_number" INTEGER NOT NULL DEFAULT 0,
    "app_type" "AppType" NOT NULL,
    "status" "InstanceStatus" NOT NULL DEFAULT 'unknown',
    "container_id" TEXT,
    "container_name" TEXT,
    "compose_project_dir" TEXT,
    "image" TEXT,
    "tag" TEXT,
    "eureka_url" TEXT,
    "eureka_registered" BOOLEAN,
    "path" TEXT,
    "log_path" TEXT,
    "version" TEXT,
    "distr_path" TEXT,
    "ip" TEXT,
    "port" INTEGER,
    "pid" INTEGER,
    "start_time" TIMESTAMP(3),
    "last_seen" TIMESTAMP(3),
    "custom_playbook_path" TEXT,
    "custom_artifact_url" TEXT,
    "custom_artifact_extension" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "application_instances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events" (
    "id" SERIAL NOT NULL,
    "timestamp" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "event_type" "EventType" NOT NULL,
    "description" TEXT NOT NULL,
    "status" TEXT,
    "server_id" INTEGER,
    "instance_id" INTEGER,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application_version_history" (
    "id" SERIAL NOT NULL,
    "instance_id" INTEGER,
    "server_name" TEXT NOT NULL,
    "instance_name" TEXT NOT NULL,
    "old_version" TEXT,
    "new_version" TEXT,
    "old_distr_path" TEXT,
    "new_distr_path" TEXT,
    "old_tag" TEXT,
    "new_tag" TEXT,
    "old_image" TEXT,
    "new_image" TEXT,
    "changed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changed_by" "ChangedBy" NOT NULL,
    "change_source" "ChangeSource" NOT NULL,
    "task_id" UUID,
    "notes" TEXT,

    CONSTRAINT "application_version_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "haproxy_instances" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "server_id" INTEGER NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "socket_path" TEXT,
    "backend_filter" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "last_sync_at" TIMESTAMP(3),
    "last_sync_success" BOOLEAN,
    "last_sync_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "haproxy_instances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "haproxy_backends" (
    "id" SERIAL NOT NULL,
    "haproxy_instance_id" INTEGER NOT NULL,
    "backend_name" TEXT NOT NULL,
    "removed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "haproxy_backends_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "haproxy_servers" (
    "id" SERIAL NOT NULL,
    "backend_id" INTEGER NOT NULL,
    "server_name" TEXT NOT NULL,
    "address" TEXT,
    "status" TEXT,
    "weight" INTEGER,
    "current_sessions" INTEGER,
    "max_sessions" INTEGER,
    "removed_at" TIMESTAMP(3),
    "application_instance_id" INTEGER,
    "mapping_type" "MappingType",
    "mapping_note" TEXT,
    "last_status_change" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "haproxy_servers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "haproxy_actions" (
    "id" SERIAL NOT NULL,
    "actor" TEXT NOT NULL,
    "command" "HAProxyCommand" NOT NULL,
    "haproxy_instance_id" INTEGER,
    "haproxy_server_id" INTEGER,
    "target" TEXT NOT NULL,
    "result" "ActionResult" NOT NULL,
    "error" TEXT,
    "duration_ms" INTEGER,
    "task_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "haproxy_actions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "haproxy_server_status_history" (
    "id" SERIAL NOT NULL,
    "haproxy_server_id" INTEGER NOT NULL,
    "old_status" TEXT,
    "new_status" TEXT NOT NULL,
    "changed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "haproxy_server_status_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tasks" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "TaskStatus" NOT NULL DEFAULT 'pending',
    "target" JSONB NOT NULL,
    "parameters" JSONB NOT NULL,
    "progress" JSONB,
    "created_by" TEXT NOT NULL,
    "log" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "login" TEXT NOT NULL,
    "display_name" TEXT,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "refresh_seconds" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "owner_id" INTEGER,
    "last_used_at" TIMESTAMP(3),
    "expires_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_runs" (
    "name" TEXT NOT NULL,
    "last_run_at" TIMESTAMP(3) NOT NULL,
    "last_ok_at" TIMESTAMP(3),
    "duration_ms" INTEGER,
    "summary" JSONB,
    "last_error" TEXT,

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "servers_name_key" ON "servers"("name");

-- CreateIndex
CREATE INDEX "servers_status_idx" ON "servers"("status");

-- CreateIndex
CREATE UNIQUE INDEX "servers_ip_port_key" ON "servers"("ip", "port");

-- CreateIndex
CREATE UNIQUE INDEX "application_catalog_name_key" ON "application_catalog"("name");

-- CreateIndex
CREATE UNIQUE INDEX "application_groups_name_key" ON "application_groups"("name");

-- CreateIndex
CREATE INDEX "application_groups_catalog_id_idx" ON "application_groups"("catalog_id");

-- CreateIndex
CREATE INDEX "application_instances_group_id_idx" ON "application_instances"("group_id");

-- CreateIndex
CREATE INDEX "application_instances_catalog_id_idx" ON "application_instances"("catalog_id");

-- CreateIndex
CREATE INDEX "application_instances_status_idx" ON "application_instances"("status");

-- CreateIndex
CREATE INDEX "application_instances_instance_name_idx" ON "application_instances"("instance_name");

-- CreateIndex
CREATE UNIQUE INDEX "application_instances_server_id_instance_name_app_type_key" ON "application_instances"("server_id", "instance_name", "app_type");

-- CreateIndex
CREATE INDEX "events_timestamp_idx" ON "events"("timestamp");

-- CreateIndex
CREATE INDEX "events_server_id_timestamp_idx" ON "events"("server_id", "timestamp");

-- CreateIndex
CREATE INDEX "events_instance_id_timestamp_idx" ON "events"("instance_id", "timestamp");

-- CreateIndex
CREATE INDEX "events_event_type_timestamp_idx" ON "events"("event_type", "timestamp");

-- CreateIndex
CREATE INDEX "application_version_history_instance_id_changed_at_idx" ON "application_version_history"("instance_id", "changed_at");

-- CreateIndex
CREATE INDEX "application_version_history_changed_at_idx" ON "application_version_history"("changed_at");

-- CreateIndex
CREATE INDEX "application_version_history_task_id_idx" ON "application_version_history"("task_id");

-- CreateIndex
CREATE UNIQUE INDEX "haproxy_instances_server_id_name_key" ON "haproxy_instances"("server_id", "name");

-- CreateIndex
CREATE INDEX "haproxy_backends_removed_at_idx" ON "haproxy_backends"("removed_at");

-- CreateIndex
CREATE UNIQUE INDEX "haproxy_backends_haproxy_instance_id_backend_name_key" ON "haproxy_backends"("haproxy_instance_id", "backend_name");

-- CreateIndex
CREATE INDEX "haproxy_servers_backend_id_idx" ON "haproxy_servers"("backend_id");

-- CreateIndex
CREATE INDEX "haproxy_servers_removed_at_idx" ON "haproxy_servers"("removed_at");

-- CreateIndex
CREATE INDEX "haproxy_servers_application_instance_id_idx" ON "haproxy_servers"("application_instance_id");

-- CreateIndex
CREATE UNIQUE INDEX "haproxy_servers_backend_id_server_name_key" ON "haproxy_servers"("backend_id", "server_name");

-- CreateIndex
CREATE INDEX "haproxy_actions_created_at_idx" ON "haproxy_actions"("created_at");

-- CreateIndex
CREATE INDEX "haproxy_actions_haproxy_server_id_created_at_idx" ON "haproxy_actions"("haproxy_server_id", "created_at");

-- CreateIndex
CREATE INDEX "haproxy_server_status_history_haproxy_server_id_changed_at_idx" ON "haproxy_server_status_history"("haproxy_server_id", "changed_at");

-- CreateIndex
CREATE INDEX "tasks_status_idx" ON "tasks"("status");

-- CreateIndex
CREATE INDEX "tasks_created_at_idx" ON "tasks"("created_at");

-- CreateIndex
CREATE INDEX "tasks_finished_at_idx" ON "tasks"("finished_at");

-- CreateIndex
CREATE UNIQUE INDEX "users_login_key" ON "users"("login");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- AddForeignKey
ALTER TABLE "application_groups" ADD CONSTRAINT "application_groups_catalog_id_fkey" FOREIGN KEY ("catalog_id") REFERENCES "application_catalog"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_instances" ADD CONSTRAINT "application_instances_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_instances" ADD CONSTRAINT "application_instances_catalog_id_fkey" FOREIGN KEY ("catalog_id") REFERENCES "application_catalog"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_instances" ADD CONSTRAINT "application_instances_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "application_groups"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "servers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "application_instances"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_version_history" ADD CONSTRAINT "application_version_history_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "application_instances"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_version_history" ADD CONSTRAINT "application_version_history_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "haproxy_instances" ADD CONSTRAINT "haproxy_instances_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "haproxy_backends" ADD CONSTRAINT "haproxy_backends_haproxy_instance_id_fkey" FOREIGN KEY ("haproxy_instance_id") REFERENCES "haproxy_instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "haproxy_servers" ADD CONSTRAINT "haproxy_servers_backend_id_fkey" FOREIGN KEY ("backend_id") REFERENCES "haproxy_backends"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "haproxy_servers" ADD CONSTRAINT "haproxy_servers_application_instance_id_fkey" FOREIGN KEY ("application_instance_id") REFERENCES "application_instances"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "haproxy_server_status_history" ADD CONSTRAINT "haproxy_server_status_history_haproxy_server_id_fkey" FOREIGN KEY ("haproxy_server_id") REFERENCES "haproxy_servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
