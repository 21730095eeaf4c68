// A task and the tasks it retries (tasks.retry_of, transitively): one run of work in AC's eyes.
// A retry takes over what the tasks before it left out of the pool or out of service, so what
// they commanded counts as its own (docs/update-tasks.md, "After a failure or an interruption").
import { Prisma } from "../db";

/** `column IN (the task's id and those of every task it retries)`, for a WHERE or a SELECT. */
export const inRetryChain = (column: Prisma.Sql, taskId: string) => Prisma.sql`${column} IN (
  WITH RECURSIVE chain(id, retry_of) AS (
    SELECT id, retry_of FROM tasks WHERE id = ${taskId}::uuid
    UNION SELECT t.id, t.retry_of FROM tasks t JOIN chain c ON t.id = c.retry_of)
  SELECT id FROM chain)`;
