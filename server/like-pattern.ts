// A user's search text as a LIKE / ILIKE pattern matching it anywhere: %, _ and \ in the text are
// matched literally (PostgreSQL's default escape character is the backslash).
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
