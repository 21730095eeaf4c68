// The built-in alert rule kinds (docs/alerts.md, "Rule kinds"): each kind's parameters (their
// schemas are rule-params.ts, which also gives the rule form its inputs), checked when an admin
// saves a rule and again before an evaluation uses them, and the scopes it can be narrowed to.
// What each kind's condition reads is in conditions-sql.ts.
import { checkParams } from "./rule-params";
import type { AlertRuleKind, AlertScopeKind } from "../generated/prisma/enums";

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

/**
 * Checks a rule's parameters and scope for its kind. The message names what is wrong; `fields`
 * says the same per form field (`params.minPercent`, `params` for the parameters as a whole,
 * `scopeKind`, `scopeId`), for the rule form to show each under its input.
 */
export function checkRule(
  kind: AlertRuleKind,
  params: unknown,
  scopeKind: AlertScopeKind,
  scopeId: number | null,
): { ok: true; params: Record<string, unknown> } | { ok: false; message: string; fields: Record<string, string> } {
  const refuse = (field: string, message: string) => ({ ok: false as const, message, fields: { [field]: message } });
  if (!ruleScopes[kind].includes(scopeKind))
    return refuse("scopeKind", `a ${kind} rule can be scoped to ${ruleScopes[kind].join(", ")}, not ${scopeKind}`);
  if ((scopeKind === "all") !== (scopeId === null))
    return refuse("scopeId", scopeKind === "all" ? "scope all takes no id" : `scope ${scopeKind} needs an id`);
  const checked = checkParams(kind, params);
  if (checked.ok) return checked;
  const fields: Record<string, string> = {};
  for (const { param, message } of checked.issues) {
    const field = param === null ? "params" : `params.${param}`;
    fields[field] = fields[field] ? `${fields[field]}; ${message}` : message;
  }
  return { ok: false, message: checked.issues.map((issue) => issue.message).join("; "), fields };
}
