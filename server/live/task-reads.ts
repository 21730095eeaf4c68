// One read of a followed task per wake-up, however many streams follow it (docs/architecture.md,
// "Change feed"): a log flush (every 400 ms while a playbook writes) wakes every follower at
// once, and each reading the log and the task itself would multiply the pool's work by the
// number of open task pages. Followers at the same offset share the read in flight, but only one
// that started after the notices they were woken by: it is sure to see those writes.
import { readLog } from "../tasks/log";
import { getTask } from "../tasks/queries";
import { noticeSequence } from "./hub";

export type TaskRead = [Awaited<ReturnType<typeof readLog>>, Awaited<ReturnType<typeof getTask>>];
type Read = { started: number; result: Promise<TaskRead> };
type Reads = { inFlight: Map<string, Read>; count: number };

const globalForReads = globalThis as unknown as { acTaskReads?: Reads };
const reads = (): Reads => (globalForReads.acTaskReads ??= { inFlight: new Map(), count: 0 });

/** The log from `offset` on and the task, as read after notice number `since` (noticeSequence()) or later. */
export function readFollowedTask(id: string, offset: number, since: number): Promise<TaskRead> {
  const state = reads();
  const key = `${id.toLowerCase()}:${offset}`;
  const current = state.inFlight.get(key);
  if (current && current.started >= since) return current.result;
  const read: Read = { started: noticeSequence(), result: Promise.all([readLog(id, offset), getTask(id)]) };
  state.inFlight.set(key, read);
  state.count++;
  const forget = () => {
    if (state.inFlight.get(key) === read) state.inFlight.delete(key);
  };
  read.result.then(forget, forget);
  return read.result;
}

/** Reads started in this process (for the tests and /api/metrics, should it want them). */
export const taskReadsStarted = (): number => reads().count;
