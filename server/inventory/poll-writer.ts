// Hands decoded replies to the database in batches (docs/performance.md, "Batched writes"). A
// cycle's writer works like a group commit: a reply that arrives while a batch is being written
// waits for the next one, so batches grow exactly as far as the database is behind, with no timer.
// One server's bad data still touches no other server's rows: when PostgreSQL refuses a batch, it
// is retried in halves until the server that caused it is alone, and only that one fails.
import { dbPool, pgTransaction } from "../db";
import { resolveGroups } from "./groups";
import { writeReplies, type BatchResult, type PendingReply } from "./poll-batch-sql";
import type { Reconciliation } from "./reconcile";

/** Writes one server's reply (with others, maybe); resolves to its plan or rejects with its failure. */
export type ReplyWriter = (reply: PendingReply) => Promise<Reconciliation>;

/** Alone (a poll now, a re-poll after a touch): a batch of one. */
export const writeAlone: ReplyWriter = async (reply) => outcomeOf(await writeBatch([reply]), reply);

type Waiting = { reply: PendingReply; resolve: (plan: Reconciliation) => void; reject: (error: unknown) => void };

/**
 * A cycle's writer. maxBatch bounds one transaction (its statements' parameters, the time its row
 * locks are held); the cycle's poll concurrency bounds how many replies can wait at once.
 */
export function batchingWriter(maxBatch = 100): ReplyWriter {
  const queue: Waiting[] = [];
  let writing = false;
  const next = () => {
    if (writing || queue.length === 0) return;
    writing = true;
    const batch = queue.splice(0, maxBatch);
    void writeBatch(batch.map((w) => w.reply))
      .then(
        (results) => batch.forEach((w) => settle(w, () => outcomeOf(results, w.reply))),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        writing = false;
        next();
      });
  };
  return (reply) =>
    new Promise((resolve, reject) => {
      queue.push({ reply, resolve, reject });
      next();
    });
}

function settle(waiting: Waiting, outcome: () => Reconciliation) {
  try {
    waiting.resolve(outcome());
  } catch (error) {
    waiting.reject(error);
  }
}

function outcomeOf(results: BatchResult, reply: PendingReply): Reconciliation {
  const result = results.get(reply.serverId);
  if (result === undefined) throw new Error(`the reply of server ${reply.serverId} was not written`);
  if (result instanceof Error) throw result;
  return result;
}

/**
 * The batch's groups, then its transaction. If PostgreSQL refuses a statement, the batch is
 * written again in halves (a failed transaction wrote nothing); a failure that is not about the
 * data (the database unreachable, the pool exhausted) fails every server of the batch at once,
 * as retrying would only wait again.
 */
export async function writeBatch(replies: PendingReply[]): Promise<BatchResult> {
  try {
    const apps = replies.flatMap((reply) => reply.apps);
    const groups = await resolveGroups(dbPool(), apps);
    return await pgTransaction((tx) => writeReplies(tx, replies, groups));
  } catch (error) {
    if (replies.length === 1 || !refusedByDatabase(error)) {
      return new Map(replies.map((reply) => [reply.serverId, asError(error)]));
    }
    const half = Math.ceil(replies.length / 2);
    const first = await writeBatch(replies.slice(0, half));
    return new Map([...first, ...(await writeBatch(replies.slice(half)))]);
  }
}

/**
 * PostgreSQL executed and refused a statement: a SQLSTATE, but not of a broken connection (08),
 * resources (53), an administrator's intervention (57) or a system error (58).
 */
function refusedByDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !/^(08|53|57|58)/.test(code);
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
