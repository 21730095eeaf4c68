-- AlterTable
ALTER TABLE "application_groups" ADD COLUMN     "eureka_app_name" VARCHAR(100);
