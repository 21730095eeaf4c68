// When the task page's fallback reader (use-task-feed.ts: no EventSource, or the stream failed
// for good) reads the log next. Pure, so tests pin it: tests/unit/task-log-polling.test.ts, and
// the real API's errors in tests/integration/live.test.ts.
import { TRPCClientError } from "@trpc/client";
import { taskOpen, taskRunning } from "@/lib/tasks";
import type { AppRouter } from "@/server/trpc/root";

/** Errors after which reading the log again cannot succeed until the page is reloaded. */
const FINAL_CODES = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND"]);
/** The wait before another try after a failed read, and between reads of a paused or pending task. */
export const RETRY_MS = 3_000;
const RUNNING_MS = 1_000;

/**
 * After a failed read: the wait before the next, or null to stop. A session that ended, a right
 * taken away or a task that is gone does not come back by asking again (every 3 s, forever).
 */
export function delayAfterError(error: unknown): number | null {
  const code = error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.code : undefined;
  return code && FINAL_CODES.has(code) ? null : RETRY_MS;
}

/** After a read (tasks.log): the wait before the next, or null once the task has ended and its log is read whole. */
export function delayAfterRead(read: { nextOffset: number; length: number; task: { status: string } }): number | null {
  if (read.nextOffset < read.length) return 0; // more of the log is there already
  if (!taskOpen(read.task.status)) return null;
  return taskRunning(read.task.status) ? RUNNING_MS : RETRY_MS;
}
