// Validation messages in a form's words ("at most 100 characters") instead of zod's defaults
// ("Too big: expected string to have <=100 characters"). A schema's own message still wins.
// Installed once per process by importing this module: server/trpc/init.ts (every API input)
// and server/config.ts (the environment).
import { z } from "zod";
import type { $ZodRawIssue } from "zod/v4/core";

type Issue = $ZodRawIssue;

const units: Record<string, string> = { string: "characters", array: "items", set: "items", file: "bytes" };
const article = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);
const formats: Record<string, string> = {
  email: "must be an e-mail address",
  url: "must be a URL, e.g. https://example.com/path",
  uuid: "must be a UUID",
  datetime: "must be a date and time, e.g. 2026-12-01T08:00:00Z",
};

function bound(kind: "most" | "least", origin: string, limit: number | bigint, inclusive = true, exact = false) {
  const unit = units[origin];
  if (exact) return `exactly ${limit}${unit ? ` ${unit}` : ""}`;
  if (unit) return `at ${kind} ${limit} ${unit}`;
  if (origin === "date")
    return `${kind === "most" ? "no later" : "no earlier"} than ${new Date(Number(limit)).toISOString()}`;
  if (inclusive) return `at ${kind} ${limit}`;
  return `${kind === "most" ? "less" : "more"} than ${limit}`;
}

export function formMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case "too_big":
      return bound("most", issue.origin, issue.maximum, issue.inclusive, issue.exact);
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1 && !issue.exact) return "required";
      if ((issue.origin === "array" || issue.origin === "set") && Number(issue.minimum) === 1)
        return "choose at least one";
      return bound("least", issue.origin, issue.minimum, issue.inclusive, issue.exact);
    case "invalid_type":
      if (issue.input === undefined || issue.input === null) return "required";
      if (issue.expected === "number" || issue.expected === "int") return "must be a number";
      return `must be ${article(issue.expected)}`;
    case "invalid_format":
      return formats[issue.format];
    case "invalid_value":
      return issue.values.length <= 10 ? `must be one of: ${issue.values.map(String).join(", ")}` : undefined;
    default:
      return undefined;
  }
}

z.config({ customError: formMessage });
