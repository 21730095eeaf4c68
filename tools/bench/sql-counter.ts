// Counts, at the driver, what the Prisma client sends to PostgreSQL: a pg Client class for the
// adapter's pool (server/db.ts `initDb`). Every statement goes through Client#query, BEGIN and
// COMMIT included, so the count is what the server executes, not what Prisma chooses to log.
import pg from "pg";

export type SqlTally = {
  statements: number;
  /** Statements by their first keyword: SELECT, INSERT, UPDATE, BEGIN, COMMIT… */
  byVerb: Record<string, number>;
  /** Rows that INSERT/UPDATE/DELETE statements reported as affected (the command tags). */
  rowsAffected: number;
  /** Rows that SELECT statements returned to the process. */
  rowsRead: number;
};

const WRITES = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);
type Result = { command?: string; rowCount?: number | null };

export function sqlCounter(): { Client: typeof pg.Client; take(): SqlTally } {
  const empty = (): SqlTally => ({ statements: 0, byVerb: {}, rowsAffected: 0, rowsRead: 0 });
  let tally = empty();
  const onResult = (result: unknown) => {
    const { command, rowCount } = (result ?? {}) as Result;
    if (command && WRITES.has(command)) tally.rowsAffected += rowCount ?? 0;
    if (command === "SELECT") tally.rowsRead += rowCount ?? 0;
  };

  class CountingClient extends pg.Client {}
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  // Client#query has many overloads (text or config, values, callback or promise): count the
  // call, then pass it on untouched but for a tap on its result.
  (CountingClient.prototype as unknown as { query: typeof query }).query = function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    const first = args[0];
    const text = typeof first === "string" ? first : ((first as { text?: string } | null)?.text ?? "");
    const verb = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? "?";
    tally.statements++;
    tally.byVerb[verb] = (tally.byVerb[verb] ?? 0) + 1;
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === "function") {
      args[last] = (error: unknown, result: unknown) => {
        if (!error) onResult(result);
        return (callback as (e: unknown, r: unknown) => unknown)(error, result);
      };
      return query.apply(this, args);
    }
    const returned = query.apply(this, args);
    if (returned instanceof Promise) returned.then(onResult, () => undefined);
    return returned;
  };

  return {
    Client: CountingClient,
    take() {
      const taken = tally;
      tally = empty();
      return taken;
    },
  };
}
