-- CreateEnum
CREATE TYPE "HAProxyBulkStatus" AS ENUM ('running', 'done', 'interrupted');

-- CreateEnum
CREATE TYPE "HAProxyBulkItemResult" AS ENUM ('pending', 'success', 'failed', 'skipped');

-- CreateTable
CREATE TABLE "haproxy_bulk_actions" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "command" "HAProxyCommand" NOT NULL,
    "description" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "status" "HAProxyBulkStatus" NOT NULL DEFAULT 'running',
    "host_server_id" INTEGER,
    "ended_by_id" INTEGER,
    "heartbeat_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "haproxy_bulk_actions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "haproxy_bulk_items" (
    "id" SERIAL NOT NULL,
    "bulk_action_id" INTEGER NOT NULL,
    "haproxy_server_id" INTEGER NOT NULL,
    "haproxy_instance_id" INTEGER NOT NULL,
    "target" TEXT NOT NULL,
    "result" "HAProxyBulkItemResult" NOT NULL DEFAULT 'pending',
    "status" TEXT,
    "error" TEXT,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "haproxy_bulk_items_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "haproxy_bulk_actions_ended_by_id_key" ON "haproxy_bulk_actions"("ended_by_id");

-- CreateIndex
CREATE INDEX "haproxy_bulk_actions_host_server_id_kind_idx" ON "haproxy_bulk_actions"("host_server_id", "kind");

-- CreateIndex
CREATE INDEX "haproxy_bulk_actions_created_at_idx" ON "haproxy_bulk_actions"("created_at");

-- CreateIndex
CREATE INDEX "haproxy_bulk_items_bulk_action_id_result_idx" ON "haproxy_bulk_items"("bulk_action_id", "result");

-- AddForeignKey
ALTER TABLE "haproxy_bulk_items" ADD CONSTRAINT "haproxy_bulk_items_bulk_action_id_fkey" FOREIGN KEY ("bulk_action_id") REFERENCES "haproxy_bulk_actions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
