// Password guessing is limited per (account, client address) and per client address, with a
// point taken BEFORE the password is checked, in one atomic UPSERT on the login_limits table: so
// parallel attempts cannot all slip through, and every AC process on the database counts together.
// An account attacked from many addresses is slowed down, never locked: its owner can still log in
// from their own address (docs/security.md, "Login limits").
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";

export const loginLimits = {
  /** Attempts per account and address in 15 minutes (a success clears them). */
  perAccountAndAddress: { points: 5, duration: 15 * 60 },
  /** Failed attempts per address, over all accounts, in an hour. */
  perAddress: { points: 50, duration: 60 * 60 },
  /** Failures per account, over all addresses, in 15 minutes before attempts are slowed down. */
  accountFreeFailures: 10,
  accountWindow: 15 * 60,
  /** The slow-down: one second per failure over the free ones, at most this many. */
  maxDelaySeconds: 5,
};

export type LoginAttempt<T> =
  { kind: "limited"; retryAfterSeconds: number } | { kind: "checked"; user: T | null; delayedSeconds: number };

const TABLE = "login_limits"; // created by a Prisma migration, never at run time

export function createLoginLimiter(pool: pg.Pool, options: { sleep?: (ms: number) => Promise<void> } = {}) {
  // Expired counters are deleted by the cleanup job in batches (server/jobs/retention.ts), not by
  // the library's sweep, which every replica would run as one unbounded DELETE.
  const store = (keyPrefix: string, points: number, duration: number) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      tableName: TABLE,
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix,
      points,
      duration,
    });
  const limits = loginLimits;
  const accountAndAddress = store("login_ua", limits.perAccountAndAddress.points, limits.perAccountAndAddress.duration);
  const address = store("login_a", limits.perAddress.points, limits.perAddress.duration);
  // Counted, never refused on: points is only the threshold of the slow-down.
  const account = store("login_u", limits.accountFreeFailures, limits.accountWindow);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /**
   * Runs `check` (the password comparison) when the limits allow; `check` returns the user or null.
   * The attempt counts before `check` runs; a success gives the points back.
   */
  async function attempt<T>(
    login: string,
    clientAddress: string,
    check: () => Promise<T | null>,
  ): Promise<LoginAttempt<T>> {
    const accountKey = login.trim().toLowerCase().slice(0, 100);
    const pairKey = `${accountKey}|${clientAddress}`;
    const consumed = await Promise.allSettled([accountAndAddress.consume(pairKey), address.consume(clientAddress)]);
    const refused = consumed.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    if (refused.length > 0) {
      const error = refused.find((reason) => !(reason instanceof RateLimiterRes));
      if (error) throw error; // the database, not a limit
      const waitMs = Math.max(...refused.map((r) => (r as RateLimiterRes).msBeforeNext));
      return { kind: "limited", retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    const failures = (await account.get(accountKey))?.consumedPoints ?? 0;
    const delayedSeconds = Math.min(Math.max(0, failures - limits.accountFreeFailures + 1), limits.maxDelaySeconds);
    if (delayedSeconds > 0) await sleep(delayedSeconds * 1000);
    const user = await check();
    if (user) {
      await Promise.all([accountAndAddress.delete(pairKey), address.reward(clientAddress)]);
    } else {
      await account.penalty(accountKey);
    }
    return { kind: "checked", user, delayedSeconds };
  }

  return { attempt };
}

export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
