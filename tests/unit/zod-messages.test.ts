// Validation messages read as a form would say them (lib/zod-messages.ts), on the API and in env errors.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import "@/lib/zod-messages";

const messageOf = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  expect(result.success, "the input is refused").toBe(false);
  return result.error!.issues[0]!.message;
};

describe("form messages", () => {
  it.each([
    [z.string().max(100), "x".repeat(101), "at most 100 characters"],
    [z.string().min(10), "short", "at least 10 characters"],
    [z.string().min(1), "", "required"],
    [z.string(), undefined, "required"],
    [z.string(), 5, "must be a string"],
    [z.number().int().max(3600), 4000, "at most 3600"],
    [z.number().positive(), 0, "more than 0"],
    [z.number(), "abc", "must be a number"],
    [z.array(z.string()).max(20), Array(21).fill("a"), "at most 20 items"],
    [z.array(z.string()).min(1), [], "choose at least one"],
    [z.email(), "nobody", "must be an e-mail address"],
    [z.enum(["viewer", "operator", "admin"]), "root", "must be one of: viewer, operator, admin"],
  ])("%#: %o refuses %o with %s", (schema, input, message) => {
    expect(messageOf(schema as z.ZodType, input)).toBe(message);
  });

  it("leaves a schema's own message alone", () => {
    expect(messageOf(z.string().max(3, "keep it short"), "long")).toBe("keep it short");
  });
});
