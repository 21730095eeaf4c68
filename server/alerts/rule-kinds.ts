// The built-in alert rule kinds (docs/alerts.md, "Rule kinds"): each kind's parameters, checked
// with zod when an admin saves a rule and again before an evaluation uses them, and the scopes it
// can be narrowed to. What each kind's condition reads is in conditions-sql.ts.
import { z } from "zod";
import type { AlertRuleKind, AlertScopeKind } from "../generated/prisma/enums";
import { paramErrorText } from "./param-errors";

const percent = z.number().min(0).max(100);
const instanceStatuses = ["online", "offline", "unknown", "starting", "stopping", "no_data"] as const;
const notOnline = instanceStatuses.filter((s) => s !== "online");
const haproxyStatuses = ["DOWN", "MAINT", "DRAIN", "NOLB"] as const;

const none = z.object({}).strict();

export const ruleParams = {
  server_offline: none,
  instance_status: z.object({ statuses: z.array(z.enum(instanceStatuses)).min(1).max(6).default(notOnline) }).strict(),
  group_online_low: z
    .object({
      minOnline: z.number().int().min(1).max(1_000_000).optional(),
      minPercent: percent.optional(),
    })
    .strict()
    .refine((p) => p.minOnline !== undefined || p.minPercent !== undefined, "give minOnline, minPercent or both"),
  group_version_drift: none,
  haproxy_server_status: z
    .object({ statuses: z.array(z.enum(haproxyStatuses)).min(1).max(4).default(["DOWN"]) })
    .strict(),
  backend_up_low: z.object({ minPercent: percent.default(50) }).strict(),
  breaker_open: none,
  sync_failing: none,
  task_failed: z
    .object({
      statuses: z
        .array(z.enum(["failed", "interrupted"]))
        .min(1)
        .max(2)
        .default(["failed", "interrupted"]),
      /** How long after it ended a failed task stays an alert. */
      withinSeconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86400)
        .default(86400),
    })
    .strict(),
  task_paused: z
    .object({
      /** How long a task may wait for Continue before it is an alert (progress.pause.since). */
      minutes: z
        .number()
        .int()
        .min(1)
        .max(30 * 1440)
        .default(60),
    })
    .strict(),
  poll_cycle: z
    .object({
      /** Overdue when the last cycle started more than this many polling intervals ago. */
      overdueFactor: z.number().min(1.5).max(100).default(3),
      maxFailingPercent: percent.default(20),
    })
    .strict(),
  agent_reply_invalid: none,
} satisfies Record<AlertRuleKind, z.ZodType>;

export type RuleParams<K extends AlertRuleKind> = z.output<(typeof ruleParams)[K]>;

const serverScopes: AlertScopeKind[] = ["all", "catalog", "group", "server"];
const haproxyScopes: AlertScopeKind[] = ["all", "server", "haproxy_instance", "haproxy_backend"];

/** The scopes each kind can be narrowed to; "all" means the whole fleet. */
export const ruleScopes: Record<AlertRuleKind, AlertScopeKind[]> = {
  server_offline: serverScopes,
  instance_status: serverScopes,
  group_online_low: ["all", "catalog", "group"],
  group_version_drift: ["all", "catalog", "group"],
  haproxy_server_status: haproxyScopes,
  backend_up_low: haproxyScopes,
  breaker_open: ["all", "server", "haproxy_instance"],
  sync_failing: ["all", "server", "haproxy_instance"],
  task_failed: ["all", "group"],
  task_paused: ["all", "group"],
  poll_cycle: ["all"],
  agent_reply_invalid: serverScopes,
};

/** Checks a rule's parameters and scope for its kind; the message names what is wrong. */
export function checkRule(
  kind: AlertRuleKind,
  params: unknown,
  scopeKind: AlertScopeKind,
  scopeId: number | null,
): { ok: true; params: Record<string, unknown> } | { ok: false; message: string } {
  if (!ruleScopes[kind].includes(scopeKind))
    return { ok: false, message: `a ${kind} rule can be scoped to ${ruleScopes[kind].join(", ")}, not ${scopeKind}` };
  if ((scopeKind === "all") !== (scopeId === null))
    return { ok: false, message: scopeKind === "all" ? "scope all takes no id" : `scope ${scopeKind} needs an id` };
  const schema = ruleParams[kind];
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success) return { ok: false, message: paramErrorText(parsed.error, Object.keys(schema.shape)) };
  return { ok: true, params: parsed.data as Record<string, unknown> };
}
