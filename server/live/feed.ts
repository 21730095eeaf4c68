// The writers' side of the change feed (docs/architecture.md, "Change feed"): a PostgreSQL NOTIFY
// on one channel per kind, inside the writer's transaction, so it is delivered only on commit and
// to every replica's listener. Payloads are ids at most, never data: a reader reads the rows
// itself, through its own role check. PostgreSQL folds identical notifications of one transaction
// into one, so a sync that touches a thousand rows still announces itself once.
import type { LiveKind } from "../../lib/live-kinds";
import { db, type Prisma, type PgTx } from "../db";

export const CHANNEL_PREFIX = "ac_live_";
/** A task's steps or log moved; the payload is its id. Sent by a trigger on tasks (migration live_task_notify). */
export const TASK_CHANNEL = "ac_live_task";

export const channelOf = (kind: LiveKind) => `${CHANNEL_PREFIX}${kind}`;

type PrismaTx = Pick<Prisma.TransactionClient, "$executeRaw">;

/** Announces a change of `kind` when the caller's transaction commits (Prisma interactive transaction). */
export async function announce(tx: PrismaTx, kind: LiveKind): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${channelOf(kind)}, '')`;
}

/** The same as one statement of a batch transaction (`db().$transaction([...])`). */
export const announcement = (kind: LiveKind) => db().$executeRaw`SELECT pg_notify(${channelOf(kind)}, '')`;

/** The same on a pg client (the `*-sql.ts` writers' transactions). */
export async function announceSql(tx: PgTx, kind: LiveKind): Promise<void> {
  await tx.query("SELECT pg_notify($1, '')", [channelOf(kind)]);
}

/**
 * For a writer whose rows are already committed in several transactions (a poll chunk writes one
 * per server): one notice for the lot, after the last. A failure is logged: pages fall back to
 * their next refresh, the write itself stands.
 */
export async function announceCommitted(...kinds: LiveKind[]): Promise<void> {
  try {
    for (const kind of new Set(kinds)) await announce(db(), kind);
  } catch (error) {
    console.warn(`[live] could not announce ${kinds.join(", ")}: ${(error as Error).message}`);
  }
}
