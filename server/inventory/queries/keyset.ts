// Keyset ("cursor") pagination over raw SQL: a page starts right after the last row's sort key,
// so the 2,000th page costs what the first does and rows added meanwhile never shift a page.
// Every sort key ends with the primary key, so ties are broken the same way on every page.
import { z } from "zod";
import { Prisma } from "../../db";
import { InstanceStatus } from "../../generated/prisma/enums";
import { AppError } from "../../errors";

/** One column of a sort key: its SQL expression and the type its cursor value is cast back to. */
export type KeyColumn = { expr: Prisma.Sql; type: "text" | "int" | "timestamp" | '"InstanceStatus"' };

export type Direction = "asc" | "desc";

const cursorShape = z.object({
  sort: z.string(),
  dir: z.enum(["asc", "desc"]),
  /** A cursor for the page before `keys` rather than after it. */
  before: z.boolean(),
  keys: z.array(z.string()).min(1),
});

export type Cursor = z.infer<typeof cursorShape>;

const INT4_MAX = 2_147_483_647;
/** A timestamp as PostgreSQL writes it as text ("2026-12-01 16:48:52.123"). */
const TIMESTAMP_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,6})?$/;

/**
 * Whether a cursor's key is a value its column's type takes: a hand-edited key PostgreSQL would
 * refuse (22P02, 22003, 22008) is the caller's mistake (400), not a server error with a stack.
 */
const KEY_FITS: Record<KeyColumn["type"], (value: string) => boolean> = {
  text: () => true,
  int: (value) => /^-?\d{1,10}$/.test(value) && Math.abs(Number(value)) <= INT4_MAX,
  timestamp: (value) => {
    if (value === "-infinity" || value === "infinity") return true;
    const [, date, time] = TIMESTAMP_TEXT.exec(value) ?? [];
    if (!date || !time || date < "0001-01-01") return false; // PostgreSQL has no year 0
    const parsed = new Date(`${date}T${time}Z`);
    // Date rolls 2026-02-30 over to March; the round trip refuses it as PostgreSQL would.
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(`${date}T${time}`);
  },
  '"InstanceStatus"': (value) => (Object.values(InstanceStatus) as string[]).includes(value),
};

export const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

/** Reads a cursor made for this sort order; anything else is a stale or hand-edited link. */
export function decodeCursor(raw: string, sort: string, dir: Direction, columns: KeyColumn[]): Cursor {
  let cursor: Cursor | undefined;
  try {
    cursor = cursorShape.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    cursor = undefined;
  }
  const fits = (keys: string[]) => keys.every((key, i) => KEY_FITS[columns[i]!.type](key));
  if (
    !cursor ||
    cursor.sort !== sort ||
    cursor.dir !== dir ||
    cursor.keys.length !== columns.length ||
    !fits(cursor.keys)
  ) {
    throw new AppError(
      "BAD_REQUEST",
      "This page link no longer matches the list's sort order; start again from the first page",
    );
  }
  return cursor;
}

/** The key columns selected as text (k0, k1, …), so a cursor can carry them exactly. */
export const keySelect = (columns: KeyColumn[]) =>
  Prisma.join(columns.map((column, i) => Prisma.sql`(${column.expr})::text AS ${Prisma.raw(`k${i}`)}`));

/**
 * The WHERE part that continues after (or before) the cursor's row, and the ORDER BY to read in.
 * The row comparison does the work; the extra `first >= value` lets PostgreSQL use an index on
 * the first column alone.
 */
export function keysetClauses(columns: KeyColumn[], dir: Direction, cursor: Cursor | undefined) {
  // Reading backwards (the page before a cursor) walks the index the other way, then reverses.
  const readDescending = (dir === "desc") !== (cursor?.before ?? false);
  const order = Prisma.join(columns.map((c) => Prisma.sql`${c.expr} ${Prisma.raw(readDescending ? "DESC" : "ASC")}`));
  if (!cursor) return { where: Prisma.sql`TRUE`, order, reversed: false };
  const op = Prisma.raw(readDescending ? "<" : ">");
  const values = columns.map((c, i) => Prisma.sql`CAST(${cursor.keys[i]} AS ${Prisma.raw(c.type)})`);
  const [first] = columns;
  const where = Prisma.sql`(${Prisma.join(columns.map((c) => c.expr))}) ${op} (${Prisma.join(values)})
    AND ${first!.expr} ${op}= ${values[0]!}`;
  return { where, order, reversed: cursor.before };
}

/** Cursors for the pages around `rows` (already in display order). */
export function pageCursors(
  rows: { keys: string[] }[],
  sort: string,
  dir: Direction,
  state: { cursor: Cursor | undefined; more: boolean },
) {
  const first = rows[0];
  const last = rows[rows.length - 1];
  const forward = !state.cursor?.before;
  // Going forward there is more after when the query found an extra row, and something before
  // whenever we started from a cursor; going backwards the other way round.
  const hasNext = forward ? state.more : true;
  const hasPrev = forward ? !!state.cursor : state.more;
  return {
    nextCursor: hasNext && last ? encodeCursor({ sort, dir, before: false, keys: last.keys }) : null,
    prevCursor: hasPrev && first ? encodeCursor({ sort, dir, before: true, keys: first.keys }) : null,
  };
}
