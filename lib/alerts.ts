// Values the alert pages and the server share (docs/alerts.md): plain lists, so client components
// need nothing from server/. server/alerts/rule-kinds.ts checks the parameters themselves.
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

/** An example of each kind's parameters, shown in the rule form. */
export const exampleParams: Record<AlertRuleKindName, string> = {
  server_offline: "{}",
  instance_status: '{"statuses": ["offline"]}',
  group_online_low: '{"minPercent": 50, "minOnline": 2}',
  group_version_drift: "{}",
  haproxy_server_status: '{"statuses": ["DOWN", "MAINT"]}',
  backend_up_low: '{"minPercent": 50}',
  breaker_open: "{}",
  sync_failing: "{}",
  task_failed: '{"statuses": ["failed", "interrupted"], "withinSeconds": 86400}',
  task_paused: '{"minutes": 60}',
  poll_cycle: '{"overdueFactor": 3, "maxFailingPercent": 20}',
  agent_reply_invalid: "{}",
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
