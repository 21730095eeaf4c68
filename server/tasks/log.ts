// A task's log lives in tasks.log: AC's own lines and the playbook's output, appended in small
// flushes so a browser reading from an offset sees it move while the playbook runs. Offsets count
// characters as PostgreSQL does (substr / char_length), on both sides. Everything written is
// redacted first (server/security/redact.ts): the playbook's output line by line, so a secret
// split between two reads of its pipe is still seen whole.
import { db } from "../db";
import { oneLine } from "../security/log-text";
import { redact } from "../security/redact";
import { retryThroughOutage } from "./db-retry";

const FLUSH_MS = 400;
/** Beyond this the playbook's output is dropped (AC's own lines still go in). */
const MAX_LOG_CHARS = 4_000_000;
/** A line of playbook output longer than this is written (redacted) without waiting for its end. */
const MAX_PENDING_CHARS = 64_000;

const clock = () => new Date().toISOString().slice(11, 19);

export class TaskLog {
  private buffer = "";
  private written = 0;
  private truncated = false;
  /** Playbook output after its last newline, held until the line is complete. */
  private pending = "";
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly taskId: string) {}

  /** One line of AC's own, timestamped (UTC). Control characters are escaped: an agent's instance
   * name with a newline in it must not forge a line of AC's own. */
  line(text: string): void {
    this.endOutput();
    this.push(`[ac ${clock()}] ${oneLine(redact(text))}\n`, true);
  }

  /** The playbook's raw output, in any pieces. */
  output(text: string): void {
    this.pending += text;
    const end = this.pending.length > MAX_PENDING_CHARS ? this.pending.length : this.pending.lastIndexOf("\n") + 1;
    if (end === 0) return;
    this.push(redact(this.pending.slice(0, end)), false);
    this.pending = this.pending.slice(end);
  }

  private push(text: string, ours: boolean) {
    if (!ours && this.written + this.buffer.length + text.length > MAX_LOG_CHARS) {
      if (!this.truncated)
        this.buffer += `\n[ac ${clock()}] log longer than ${MAX_LOG_CHARS} characters: further playbook output is not kept\n`;
      this.truncated = true;
      return;
    }
    this.buffer += text;
    this.timer ??= setTimeout(() => void this.write(), FLUSH_MS);
  }

  /** Writes what is buffered, an unfinished output line included; resolves once it is in the database. */
  flush(): Promise<void> {
    this.endOutput();
    return this.write();
  }

  /** The unfinished output line goes in as it is: an AC line or the end of the run follows. */
  private endOutput() {
    if (!this.pending) return;
    this.push(redact(this.pending), false);
    this.pending = "";
  }

  private write(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const chunk = this.buffer;
    this.buffer = "";
    if (chunk) {
      this.written += chunk.length;
      this.flushing = this.flushing
        .then(() => retryThroughOutage(`task ${this.taskId}: log`, () => appendLog(this.taskId, chunk)))
        .catch((error: unknown) => {
          console.error(`[ac] task ${this.taskId}: could not write its log: ${(error as Error).message}`);
        });
    }
    return this.flushing;
  }
}

export async function appendLog(taskId: string, text: string): Promise<void> {
  await db().$executeRaw`UPDATE tasks SET log = log || ${text} WHERE id = ${taskId}::uuid`;
}

const MAX_CHUNK = 200_000;
/** The largest offset a reader may ask for: substr() takes an int, and `offset + 1` must fit. */
export const MAX_LOG_OFFSET = 2 ** 31 - 2;

/** The log from `offset` on (at most MAX_CHUNK characters) and where the next read starts. */
export async function readLog(taskId: string, offset: number) {
  const rows = await db().$queryRaw<{ chunk: string; length: number }[]>`
    SELECT substr(log, ${offset + 1}::int, ${MAX_CHUNK}::int) AS chunk, char_length(log)::int AS length
    FROM tasks WHERE id = ${taskId}::uuid`;
  const row = rows[0];
  if (!row) return null;
  // A log that shrank (never in practice) restarts the reader from 0.
  if (offset > row.length) return { text: "", nextOffset: 0, length: row.length, reset: true };
  return { text: row.chunk, nextOffset: offset + [...row.chunk].length, length: row.length, reset: false };
}
