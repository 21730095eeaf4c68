-- Task leases (docs/update-tasks.md, "Runners, leases and replicas"), "cancel now" seen by the
-- runner on any replica, and retries from the failed batch.
-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "cancel_now" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "heartbeat_at" TIMESTAMP(3),
ADD COLUMN     "lease_expires_at" TIMESTAMP(3),
ADD COLUMN     "retry_of" UUID,
ADD COLUMN     "runner_host" TEXT,
ADD COLUMN     "runner_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "tasks_retry_of_key" ON "tasks"("retry_of");

-- CreateIndex
CREATE INDEX "tasks_status_lease_expires_at_idx" ON "tasks"("status", "lease_expires_at");

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_retry_of_fkey" FOREIGN KEY ("retry_of") REFERENCES "tasks"("id") ON DELETE SET NULL ON UPDATE CASCADE;
