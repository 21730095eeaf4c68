// Alert rules as admins edit them (docs/alerts.md, "Rule kinds"). Parameters and scope are
// checked per kind (rule-kinds.ts); the evaluation checks them again before use.
import { z } from "zod";
import { db, Prisma } from "../db";
import { uniqueViolation } from "../db-errors";
import { AppError, notFound } from "../errors";
import { AlertRuleKind, AlertScopeKind, AlertSeverity } from "../generated/prisma/enums";
import { checkRule } from "./rule-kinds";
import { checkScopeExists } from "./scope";

export const ruleInput = z.object({
  name: z.string().trim().min(1, "give the rule a name").max(120),
  kind: z.enum(AlertRuleKind),
  params: z.record(z.string(), z.unknown()).default({}),
  scopeKind: z.enum(AlertScopeKind).default("all"),
  scopeId: z.number().int().positive().nullable().default(null),
  severity: z.enum(AlertSeverity).default("warning"),
  /** Seconds; up to 7 days. */
  forSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86400)
    .default(300),
  enabled: z.boolean().default(true),
});
export type RuleInput = z.output<typeof ruleInput>;

export const ruleSelect = {
  id: true,
  name: true,
  kind: true,
  params: true,
  scopeKind: true,
  scopeId: true,
  severity: true,
  forSeconds: true,
  enabled: true,
  updatedAt: true,
} satisfies Prisma.AlertRuleSelect;

export type RuleItem = Prisma.AlertRuleGetPayload<{ select: typeof ruleSelect }>;

export const listRules = () =>
  db().alertRule.findMany({ select: ruleSelect, orderBy: [{ kind: "asc" }, { name: "asc" }] });

async function checked(input: RuleInput) {
  const result = checkRule(input.kind, input.params, input.scopeKind, input.scopeId);
  if (!result.ok) throw new AppError("BAD_REQUEST", result.message, result.fields);
  await checkScopeExists(input.scopeKind, input.scopeId);
  return { ...input, params: result.params as Prisma.InputJsonObject };
}

const nameTaken = (name: string) => new AppError("CONFLICT", `A rule named ${name} exists already`);

export async function createRule(input: RuleInput) {
  try {
    return await db().alertRule.create({ data: await checked(input), select: ruleSelect });
  } catch (error) {
    if (uniqueViolation(error) !== null) throw nameTaken(input.name);
    throw error;
  }
}

export async function updateRule(id: number, input: RuleInput) {
  try {
    return await db().alertRule.update({ where: { id }, data: await checked(input), select: ruleSelect });
  } catch (error) {
    if (uniqueViolation(error) !== null) throw nameTaken(input.name);
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") throw notFound("Alert rule");
    throw error;
  }
}

/** Its alerts go with it (a deleted rule can no longer resolve them). */
export async function deleteRule(id: number) {
  const { count } = await db().alertRule.deleteMany({ where: { id } });
  if (count === 0) throw notFound("Alert rule");
  return { id };
}
