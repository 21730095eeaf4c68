-- A rule kind for tasks waiting in a pause too long (docs/alerts.md, "Rule kinds"). Its default
-- rule is the next migration's: a value added to an enum cannot be used in the same transaction.
-- AlterEnum
ALTER TYPE "AlertRuleKind" ADD VALUE 'task_paused';
