// A rule's refused parameters in plain words ("minPercent must be at most 100"): the API's message,
// and the rule form's under the input concerned (docs/alerts.md, "Rule kinds"); zod's own text
// speaks of types and symbols.
import type { z } from "zod";

type Issue = z.core.$ZodIssue;

const typeWords: Record<string, string> = { int: "a whole number", array: "a list", object: "an object" };
const aType = (expected: string) => typeWords[expected] ?? `a ${expected}`;
const entries = (n: number | bigint) => `${n} ${n === 1 ? "entry" : "entries"}`;

function issueText(issue: Issue, allowed: readonly string[]): string {
  const name = issue.path.filter((p) => typeof p === "string").join(".");
  const inList = issue.path.some((p) => typeof p === "number");
  const subject = !name ? "the parameters" : inList ? `each entry of ${name}` : name;
  switch (issue.code) {
    case "invalid_type":
      return `${subject} must be ${aType(issue.expected)}`;
    case "too_big":
      return issue.origin === "array"
        ? `${subject} takes at most ${entries(issue.maximum)}`
        : `${subject} must be at most ${issue.maximum}`;
    case "too_small":
      return issue.origin === "array"
        ? `${subject} needs at least ${entries(issue.minimum)}`
        : `${subject} must be at least ${issue.minimum}`;
    case "invalid_value":
      return `${subject} must be one of ${issue.values.map(String).join(", ")}`;
    case "unrecognized_keys":
      return `${issue.keys.join(", ")} ${issue.keys.length === 1 ? "is not a parameter" : "are not parameters"} of this kind (${
        allowed.length ? `it takes ${allowed.join(", ")}` : "it takes no parameters"
      })`;
    default:
      // Our own refinements ("give minOnline, minPercent or both") are written as sentences already.
      return issue.message;
  }
}

/** A refused parameter: the one it concerns (null: the parameters as a whole) and why, in words. */
export type ParamIssue = { param: string | null; message: string };

/** Every issue as a sentence; `allowed` are the kind's parameter names. */
export function paramIssues(error: z.ZodError, allowed: readonly string[]): ParamIssue[] {
  return error.issues.map((issue) => {
    const first = issue.path[0];
    return { param: typeof first === "string" ? first : null, message: issueText(issue, allowed) };
  });
}
