-- Shared state across replicas and bounded storage (docs/operations.md).
-- (Written by hand from the generated diff: the previous snapshot predates the status map.)

-- AlterTable
ALTER TABLE "haproxy_instances" ADD COLUMN     "live_version" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "haproxy_breakers" (
    "haproxy_instance_id" INTEGER NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "opened_at" TIMESTAMP(3),
    "trial_until" TIMESTAMP(3),
    "last_error" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "haproxy_breakers_pkey" PRIMARY KEY ("haproxy_instance_id")
);

-- CreateIndex
CREATE INDEX "haproxy_server_status_history_changed_at_idx" ON "haproxy_server_status_history"("changed_at");

-- CreateIndex
CREATE INDEX "login_limits_expire_idx" ON "login_limits"("expire");

-- AddForeignKey
ALTER TABLE "haproxy_breakers" ADD CONSTRAINT "haproxy_breakers_haproxy_instance_id_fkey" FOREIGN KEY ("haproxy_instance_id") REFERENCES "haproxy_instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;
