// What an audit row can be about, and where its page is. Shared by the audit pages (server) and
// the history component, so a target type has one spelling and one link.
export const AUDIT_TARGET_TYPES = [
  "server",
  "instance",
  "group",
  "catalog",
  "user",
  "api_token",
  "task",
  "haproxy_instance",
  "haproxy_server",
  "haproxy_bulk_action",
  "status_mapping",
  "alert",
  "alert_silence",
  "alert_rule",
  "notification_channel",
] as const;

export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export const AUDIT_OUTCOMES = ["success", "failure", "refused"] as const;

/** The page of a target, or null when it has none (or no id). */
export function auditTargetHref(type: string | null, id: string | null): string | null {
  if (!type || !id || !/^[0-9a-f-]{1,40}$/i.test(id)) return null;
  const path: Record<string, string> = {
    server: `/servers/${id}`,
    instance: `/applications/${id}`,
    group: `/groups/${id}`,
    task: `/tasks/${id}`,
    haproxy_server: `/haproxy/servers/${id}`,
    haproxy_instance: `/haproxy?instance=${id}`,
    user: `/admin/users`,
    api_token: `/admin/tokens`,
    status_mapping: `/admin/status-map`,
    alert: `/alerts`,
    alert_silence: `/alerts?view=silences`,
    alert_rule: `/alerts/rules`,
    notification_channel: `/alerts/channels`,
  };
  return path[type] ?? null;
}
