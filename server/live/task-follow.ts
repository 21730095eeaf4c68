// A task's page, live (docs/architecture.md, "Change feed"): its log from an offset on and its
// state whenever it changes, read from the database when the change feed says the task moved, so
// any replica's subscriber sees what any runner wrote. The offset after each chunk is the event
// id: a reader that reconnects with it gets exactly the characters after it, nothing twice.
import { taskOpen } from "../../lib/tasks";
import { notFound } from "../errors";
import type { getTask } from "../tasks/queries";
import { Inbox } from "./inbox";
import { noticeSequence, taskTopic } from "./hub";
import { readFollowedTask } from "./task-reads";
import { WAKE_MS } from "./page-changes";

type Task = Awaited<ReturnType<typeof getTask>>;
export type TaskUpdate = {
  /** Where the next read starts: the event id. */
  offset: number;
  /** Log text after the previous event's offset (at most one read's chunk). */
  text: string;
  /** The log was shorter than the offset asked for: the reader starts over (never in practice). */
  reset: boolean;
  /** The task, when it changed since the previous event of this stream (always in the first). */
  task: Task | null;
};

/** Ends once a finished task's log has been sent to its end. */
export async function* followTask(
  id: string,
  fromOffset: number,
  signal: AbortSignal,
  check: () => Promise<void>,
): AsyncGenerator<TaskUpdate> {
  const inbox = new Inbox([taskTopic(id.toLowerCase())], signal);
  try {
    let offset = fromOffset;
    let sentTask = "";
    let since = noticeSequence();
    while (!signal.aborted) {
      await check();
      const [log, task] = await readFollowedTask(id, offset, since);
      if (!log) throw notFound("Task");
      const taskJson = JSON.stringify(task);
      const changed = taskJson !== sentTask;
      if (log.text || log.reset || changed)
        yield { offset: log.nextOffset, text: log.text, reset: log.reset, task: changed ? task : null };
      sentTask = taskJson;
      offset = log.nextOffset;
      if (offset < log.length) continue; // more than one read's worth: keep reading before waiting
      if (!taskOpen(task.status)) return;
      // A notice wakes it; the timeout only bounds how long a lost notice could hold the page back.
      await inbox.next(WAKE_MS);
      since = noticeSequence();
    }
  } finally {
    inbox.close();
  }
}
