-- AlterTable
ALTER TABLE "servers" ADD COLUMN     "agent_coercions" JSONB;

-- AlterTable
ALTER TABLE "application_instances" ADD COLUMN     "raw_status" TEXT;

-- CreateTable
CREATE TABLE "status_mappings" (
    "id" SERIAL NOT NULL,
    "app_type" "AppType" NOT NULL,
    "raw_status" TEXT NOT NULL,
    "status" "InstanceStatus" NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "status_mappings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "status_mappings_app_type_raw_status_key" ON "status_mappings"("app_type", "raw_status");

-- The default status table grew (Docker's and systemd's states) and instances now keep the raw
-- status: forget every fingerprint so the next poll applies each reply in full once.
UPDATE "servers" SET "apps_fingerprint" = NULL;
