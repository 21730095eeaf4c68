-- AlterEnum
ALTER TYPE "TaskStatus" ADD VALUE 'paused';
