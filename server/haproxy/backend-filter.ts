// Selective polling: which backends of an instance AC reads. An empty list means all; each
// entry is a backend name, or a /regex/ (optionally /regex/i) matched against the name.
import { z } from "zod";

const REGEX = /^\/(.+)\/(i?)$/s;

function compile(entry: string): RegExp | null {
  const m = REGEX.exec(entry);
  return m ? new RegExp(m[1]!, m[2]) : null;
}

export const backendFilterEntry = z
  .string()
  .trim()
  .min(1, "empty entry")
  .max(200, "at most 200 characters")
  .superRefine((entry, ctx) => {
    try {
      compile(entry);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `${entry} is not a valid regular expression: ${(error as Error).message}`,
      });
    }
  });
export const backendFilterInput = z.array(backendFilterEntry).max(100, "at most 100 entries").default([]);

/** A predicate over backend names; entries are validated on input, so compile() does not throw here. */
export function backendMatcher(filter: readonly string[]): (backend: string) => boolean {
  if (filter.length === 0) return () => true;
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of filter) {
    const pattern = compile(entry);
    if (pattern) patterns.push(pattern);
    else names.add(entry);
  }
  return (backend) => names.has(backend) || patterns.some((p) => p.test(backend));
}

/** "all backends", or the entries as an admin wrote them. */
export const describeFilter = (filter: readonly string[]) => (filter.length === 0 ? "all backends" : filter.join(", "));
