// Each alert rule kind's parameters (docs/alerts.md, "Rule kinds"): one zod schema per kind whose
// bounds, defaults, labels and help (.meta) are both the API's check (rule-kinds.ts) and the rule
// form's inputs (`paramFields`, handed to the form by its page as plain data), so no bound is
// written twice.
import { z } from "zod";
import { AlertRuleKind } from "../generated/prisma/enums";
import { paramIssues, type ParamIssue } from "./param-errors";

const percent = z.number().min(0).max(100);
const instanceStatuses = ["online", "offline", "unknown", "starting", "stopping", "no_data"] as const;
const notOnline = instanceStatuses.filter((s) => s !== "online");
const haproxyStatuses = ["DOWN", "MAINT", "DRAIN", "NOLB"] as const;

const none = z.object({}).strict();

export const ruleParams = {
  server_offline: none,
  instance_status: z
    .object({
      statuses: z
        .array(z.enum(instanceStatuses))
        .min(1)
        .max(6)
        .default(notOnline)
        .meta({ title: "Statuses", description: "An instance in one of these fires." }),
    })
    .strict(),
  group_online_low: z
    .object({
      minOnline: z
        .number()
        .int()
        .min(1)
        .max(1_000_000)
        .optional()
        .meta({ title: "Fewest instances online", description: "Fires when fewer instances are online." }),
      minPercent: percent
        .optional()
        .meta({ title: "Lowest % online", description: "Fires when a smaller share of the group is online." }),
    })
    .strict()
    .refine((p) => p.minOnline !== undefined || p.minPercent !== undefined, "give minOnline, minPercent or both")
    .meta({ description: "Give one of the two or both." }),
  group_version_drift: none,
  haproxy_server_status: z
    .object({
      statuses: z
        .array(z.enum(haproxyStatuses))
        .min(1)
        .max(4)
        .default(["DOWN"])
        .meta({ title: "Statuses", description: "A server whose status starts with one of these fires." }),
    })
    .strict(),
  backend_up_low: z
    .object({
      minPercent: percent
        .default(50)
        .meta({ title: "Lowest % of servers up", description: "Fires when a smaller share of the backend is UP." }),
    })
    .strict(),
  breaker_open: none,
  sync_failing: none,
  task_failed: z
    .object({
      statuses: z
        .array(z.enum(["failed", "interrupted"]))
        .min(1)
        .max(2)
        .default(["failed", "interrupted"])
        .meta({ title: "Outcomes", description: "A task that ended so fires." }),
      withinSeconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86400)
        .default(86400)
        .meta({ title: "Within (seconds)", description: "How long after it ended a failed task stays an alert." }),
    })
    .strict(),
  task_paused: z
    .object({
      minutes: z
        .number()
        .int()
        .min(1)
        .max(30 * 1440)
        .default(60)
        .meta({
          title: "Paused for (minutes)",
          description: "How long a task may wait for Continue before it fires (counted from the pause).",
        }),
    })
    .strict(),
  poll_cycle: z
    .object({
      overdueFactor: z.number().min(1.5).max(100).default(3).meta({
        title: "Overdue after (polling intervals)",
        description: "Fires when no poll cycle started for this many polling intervals.",
      }),
      maxFailingPercent: percent.default(20).meta({
        title: "Most % of servers failing",
        description: "Fires when more servers than this failed in the last cycle.",
      }),
    })
    .strict(),
  agent_reply_invalid: none,
} satisfies Record<AlertRuleKind, z.ZodType>;

export type RuleParams<K extends AlertRuleKind> = z.output<(typeof ruleParams)[K]>;

/** One input of the rule form, read from the kind's schema. */
export type ParamField = { name: string; label: string; help: string } & (
  | { type: "number"; integer: boolean; min?: number; max?: number; default?: number }
  | { type: "list"; options: string[]; default: string[] }
);

type JsonProp = {
  title?: string;
  description?: string;
  type?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  items?: { enum?: string[] };
};

function fieldOf(name: string, p: JsonProp): ParamField {
  const base = { name, label: p.title ?? name, help: p.description ?? "" };
  if (p.type === "array")
    return { ...base, type: "list", options: p.items?.enum ?? [], default: (p.default as string[]) ?? [] };
  return {
    ...base,
    type: "number",
    integer: p.type === "integer",
    min: p.minimum,
    max: p.maximum,
    default: p.default as number | undefined,
  };
}

/** Per kind: its inputs, and a note on them as a whole (group_online_low's "one of the two or both"). */
export type KindParamFields = { fields: ParamField[]; note?: string };

export const paramFields = Object.fromEntries(
  Object.values(AlertRuleKind).map((kind) => {
    const json = z.toJSONSchema(ruleParams[kind], { io: "input" }) as {
      description?: string;
      properties?: Record<string, JsonProp>;
    };
    const fields = Object.entries(json.properties ?? {}).map(([name, p]) => fieldOf(name, p));
    return [kind, { fields, note: json.description }];
  }),
) as Record<AlertRuleKind, KindParamFields>;

/** The kind's parameters checked: the values with defaults filled in, or each problem in words. */
export function checkParams(
  kind: AlertRuleKind,
  params: unknown,
): { ok: true; params: Record<string, unknown> } | { ok: false; issues: ParamIssue[] } {
  const schema = ruleParams[kind];
  const parsed = schema.safeParse(params ?? {});
  if (parsed.success) return { ok: true, params: parsed.data as Record<string, unknown> };
  const allowed = paramFields[kind].fields.map((f) => f.name);
  return { ok: false, issues: paramIssues(parsed.error, allowed) };
}
