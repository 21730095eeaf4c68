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

/** Each kind's parameters in plain words, under the rule form's parameters field. */
export const paramHelp: Record<AlertRuleKindName, string> = {
  server_offline: "None.",
  instance_status:
    "statuses: a list of online, offline, unknown, starting, stopping, no_data (default: all but online).",
  group_online_low: "minOnline: a whole number of instances; minPercent: 0–100 % online. At least one of them.",
  group_version_drift: "None.",
  haproxy_server_status: "statuses: a list of DOWN, MAINT, DRAIN, NOLB (default: DOWN).",
  backend_up_low: "minPercent: 0–100 % of the backend's servers up (default 50).",
  breaker_open: "None.",
  sync_failing: "None.",
  task_failed:
    "statuses: failed and/or interrupted; withinSeconds: 60–2592000, how long after it ended (default 86400).",
  task_paused: "minutes: 1–43200, how long paused before it fires (default 60).",
  poll_cycle: "overdueFactor: 1.5–100 polling intervals (default 3); maxFailingPercent: 0–100 (default 20).",
  agent_reply_invalid: "None.",
};

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
