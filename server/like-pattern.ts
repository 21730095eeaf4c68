// A user's text as a LIKE / ILIKE pattern: %, _ and \ in the text are matched literally
// (PostgreSQL's default escape character is the backslash).
const escaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Matches the text anywhere. */
export const likePattern = (text: string) => `%${escaped(text)}%`;

/**
 * For Prisma's `{ equals, mode: "insensitive" }`, which reaches PostgreSQL as `ILIKE` with the value
 * as the pattern: unescaped, `%` matched every row (tests/integration/task-list-filter.test.ts).
 */
export const likeExact = escaped;
