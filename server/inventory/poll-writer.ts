// Hands decoded replies and failed polls to the database in batches (docs/performance.md,
// "Batched writes"). A cycle's writer works like a group commit: a write that arrives while a batch
// is being written waits for the next one, so batches grow exactly as far as the database is
// behind, with no timer. One server's bad data still touches no other server's rows: when
// PostgreSQL refuses a batch, it is retried in halves until the server that caused it is alone,
// and only that one fails.
import { dbPool, pgTransaction } from "../db";
import { resolveGroups } from "./groups";
import {
  isFailure,
  writeReplies,
  type BatchResult,
  type PendingFailure,
  type PendingReply,
  type PendingWrite,
} from "./poll-batch-sql";
import type { Reconciliation } from "./reconcile";

/** Writes one server's poll (with others', maybe); resolves when it is stored or rejects with why not. */
export type PollWriter = {
  /** A decoded reply; resolves to its plan as written. */
  reply(reply: PendingReply): Promise<Reconciliation>;
  /** A failed poll: the server offline, or its apps reply unusable. */
  failure(failure: PendingFailure): Promise<void>;
};

function writerOf(write: (pending: PendingWrite) => Promise<Reconciliation | null>): PollWriter {
  return {
    reply: async (reply) => {
      const plan = await write(reply);
      if (!plan) throw new Error(`the reply of server ${reply.serverId} was written without a plan`);
      return plan;
    },
    failure: async (failure) => void (await write(failure)),
  };
}

/** Alone (a poll now, a re-poll after a touch): a batch of one. */
export const writeAlone: PollWriter = writerOf(async (pending) => outcomeOf(await writeBatch([pending]), pending));

type Waiting = {
  pending: PendingWrite;
  resolve: (plan: Reconciliation | null) => void;
  reject: (error: unknown) => void;
};

/**
 * A cycle's writer. maxBatch bounds one transaction (its statements' parameters, the time its row
 * locks are held); the cycle's poll concurrency bounds how many writes can wait at once.
 */
export function batchingWriter(maxBatch = 100): PollWriter {
  const queue: Waiting[] = [];
  let writing = false;
  const next = () => {
    if (writing || queue.length === 0) return;
    writing = true;
    const batch = queue.splice(0, maxBatch);
    void writeBatch(batch.map((w) => w.pending))
      .then(
        (results) => batch.forEach((w) => settle(w, () => outcomeOf(results, w.pending))),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        writing = false;
        next();
      });
  };
  return writerOf(
    (pending) =>
      new Promise((resolve, reject) => {
        queue.push({ pending, resolve, reject });
        next();
      }),
  );
}

function settle(waiting: Waiting, outcome: () => Reconciliation | null) {
  try {
    waiting.resolve(outcome());
  } catch (error) {
    waiting.reject(error);
  }
}

function outcomeOf(results: BatchResult, pending: PendingWrite): Reconciliation | null {
  const result = results.get(pending.serverId);
  if (result === undefined) throw new Error(`the poll of server ${pending.serverId} was not written`);
  if (result instanceof Error) throw result;
  return result;
}

/**
 * The batch's groups, then its transaction. If PostgreSQL refuses a statement, the batch is
 * written again in halves (a failed transaction wrote nothing); a failure that is not about the
 * data (the database unreachable, the pool exhausted) fails every server of the batch at once,
 * as retrying would only wait again.
 */
export async function writeBatch(writes: PendingWrite[]): Promise<BatchResult> {
  try {
    const apps = writes.flatMap((write) => (isFailure(write) ? [] : write.apps));
    const groups = await resolveGroups(dbPool(), apps);
    return await pgTransaction((tx) => writeReplies(tx, writes, groups));
  } catch (error) {
    if (writes.length === 1 || !refusedByDatabase(error)) {
      return new Map(writes.map((write) => [write.serverId, asError(error)]));
    }
    const half = Math.ceil(writes.length / 2);
    const first = await writeBatch(writes.slice(0, half));
    return new Map([...first, ...(await writeBatch(writes.slice(half)))]);
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
