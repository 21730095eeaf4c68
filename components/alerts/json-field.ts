// Parses a JSON object typed into a form's textarea; the message says what is wrong with it.
export function parseJsonObject(text: string, what: string): { value: Record<string, unknown> } | { error: string } {
  if (text.trim() === "") return { value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return { value: value as Record<string, unknown> };
    return { error: `${what} must be a JSON object, e.g. {"key": "value"}` };
  } catch (error) {
    return { error: `${what} is not valid JSON: ${(error as Error).message}` };
  }
}

/** "1, 2, 3" → [1, 2, 3]; "a, b" → ["a", "b"]. */
export const splitList = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
