-- AlterTable
ALTER TABLE "job_runs" ADD COLUMN     "replica" TEXT;
