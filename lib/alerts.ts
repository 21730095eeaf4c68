// Values the alert pages and the server share (docs/alerts.md): plain lists, so client components
// need nothing from server/. Each kind's parameters are lib/alert-params.ts.
export const alertRuleKinds = [
  "server_offline",
  "instance_status",
  "group_online_low",
  "group_version_drift",
  "haproxy_server_status",
  "backend_up_low",
  "breaker_open",
  "sync_failing",
  "task_failed",
  "task_paused",
  "poll_cycle",
  "agent_reply_invalid",
] as const;
export type AlertRuleKindName = (typeof alertRuleKinds)[number];

export const alertSeverities = ["info", "warning", "critical"] as const;
export const alertScopeKinds = ["all", "catalog", "group", "server", "haproxy_instance", "haproxy_backend"] as const;
export const channelTypes = ["webhook", "slack", "telegram", "email"] as const;

/** What each kind fires for, as the rule form and lists say it (docs/alerts.md, "Rule kinds"). */
export const ruleKindLabels: Record<AlertRuleKindName, string> = {
  server_offline: "Server offline",
  instance_status: "Instance in a given status",
  group_online_low: "Too few instances online in a group",
  group_version_drift: "Group runs more than one version",
  haproxy_server_status: "HAProxy server in a given status",
  backend_up_low: "Too few HAProxy backend servers up",
  breaker_open: "HAProxy sync stopped by its circuit breaker",
  sync_failing: "HAProxy sync failing",
  task_failed: "Update task failed",
  task_paused: "Update task paused too long",
  poll_cycle: "Polling overdue or failing",
  agent_reply_invalid: "Agent reply unreadable",
};

export const scopeKindLabels: Record<(typeof alertScopeKinds)[number], string> = {
  all: "Everything",
  catalog: "Catalog entry",
  group: "Group",
  server: "Server",
  haproxy_instance: "HAProxy instance",
  haproxy_backend: "HAProxy backend",
};

/** Per channel type: example settings and secrets for the channel form. */
export const exampleChannel: Record<(typeof channelTypes)[number], { settings: string; secrets: string }> = {
  webhook: {
    settings: '{"url": "https://hooks.example.internal/ac"}',
    secrets: '{"hmacSecret": "…", "headers": {"Authorization": "Bearer …"}}',
  },
  slack: { settings: "{}", secrets: '{"url": "https://hooks.slack.com/services/…"}' },
  telegram: {
    settings: '{"baseUrl": "https://api.telegram.org", "chatId": "-1001234567890"}',
    secrets: '{"botToken": "123456:ABC…"}',
  },
  email: {
    settings:
      '{"host": "smtp.example.internal", "port": 587, "security": "starttls", "from": "ac@example.internal", "to": ["ops@example.internal"], "username": "ac"}',
    secrets: '{"password": "…"}',
  },
};

export const alertViews = ["firing", "pending", "resolved", "silenced"] as const;

/** "300" → "5 min": durations of rules and repeat intervals as people read them. */
export function formatSeconds(seconds: number): string {
  if (seconds === 0) return "0 s";
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
