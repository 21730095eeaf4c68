// What each channel is told after an evaluation (docs/alerts.md, "Routing"): alerts that started
// firing, still-firing ones due again (repeat interval, not acknowledged), and resolved ones the
// channel was told about. alert_notifications holds per (alert, channel) what was sent; each
// statement below changes it conditionally and returns only the rows it changed, so a message is
// decided once however many evaluators run. The messages of one evaluation are grouped per channel.
import type { PgTx } from "../db";
import { alertMessagePayload, type MessageAlert } from "./message";

type Due = { alert_id: number; channel_id: number; event: "firing" | "repeat" | "resolved" };

/** The channel routes the alert's rule (its id, kind, scope and severity); ch: channel, r: rule. */
const routed = `ch.enabled
  AND (cardinality(ch.route_rule_ids) = 0 OR r.id = ANY(ch.route_rule_ids))
  AND (cardinality(ch.route_kinds) = 0 OR r.kind = ANY(ch.route_kinds))
  AND (cardinality(ch.route_scopes) = 0
       OR r.scope_kind::text || coalesce(':' || r.scope_id, '') = ANY(ch.route_scopes))
  AND r.severity >= ch.min_severity`;

/** No silence active at $1 matches the alert a of rule r (alert-list.ts reads the same matchers for the Silenced view). */
const notSilenced = `NOT EXISTS (SELECT 1 FROM alert_silences si
  WHERE si.starts_at <= $1::timestamp(3) AND si.ends_at > $1::timestamp(3)
    AND (si.rule_id IS NULL OR si.rule_id = a.rule_id)
    AND (si.kind IS NULL OR si.kind = r.kind)
    AND (si.scope_kind IS NULL OR (si.scope_kind = r.scope_kind AND si.scope_id IS NOT DISTINCT FROM r.scope_id))
    AND (si.subject_pattern IS NULL OR a.subject_label ILIKE
         replace(replace(replace(replace(si.subject_pattern, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%')))`;

export async function notificationsDue(tx: PgTx, now: string): Promise<Due[]> {
  const first = await tx.query<Due>(
    `INSERT INTO alert_notifications (alert_id, channel_id, last_firing_at)
     SELECT a.id, ch.id, $1::timestamp(3)
     FROM alerts a JOIN alert_rules r ON r.id = a.rule_id JOIN notification_channels ch ON ${routed}
     WHERE a.state = 'firing' AND ${notSilenced}
       AND NOT EXISTS (SELECT 1 FROM alert_notifications n WHERE n.alert_id = a.id AND n.channel_id = ch.id)
     ORDER BY a.id, ch.id
     ON CONFLICT DO NOTHING
     RETURNING alert_id, channel_id, 'firing' AS event`,
    [now],
  );
  const repeat = await tx.query<Due>(
    `UPDATE alert_notifications n SET last_firing_at = $1::timestamp(3)
     FROM alerts a, alert_rules r, notification_channels ch
     WHERE n.alert_id = a.id AND a.rule_id = r.id AND n.channel_id = ch.id AND ${routed}
       AND a.state = 'firing' AND a.acknowledged_at IS NULL AND ${notSilenced}
       AND ch.repeat_interval_seconds > 0
       AND n.last_firing_at + make_interval(secs => ch.repeat_interval_seconds) <= $1::timestamp(3)
     RETURNING n.alert_id, n.channel_id, 'repeat' AS event`,
    [now],
  );
  // Every resolved alert's rows are marked, so none is looked at twice; only channels that want it get a message.
  const resolved = await tx.query<Due & { send: boolean }>(
    `UPDATE alert_notifications n SET resolved_sent_at = $1::timestamp(3)
     FROM alerts a, notification_channels ch
     WHERE n.alert_id = a.id AND n.channel_id = ch.id AND a.state = 'resolved' AND n.resolved_sent_at IS NULL
     RETURNING n.alert_id, n.channel_id, 'resolved' AS event, ch.enabled AND ch.send_resolved AS send`,
    [now],
  );
  return [...first.rows, ...repeat.rows, ...resolved.rows.filter((r) => r.send)];
}

/** One queued message per channel holding its due alerts; returns the channels that got one. */
export async function enqueueMessages(tx: PgTx, due: Due[], now: string): Promise<number[]> {
  if (due.length === 0) return [];
  const { rows: alerts } = await tx.query<MessageAlert>(
    `SELECT a.id, a.state, a.subject, a.subject_label AS "subjectLabel", a.detail, r.name AS rule, r.kind, r.severity,
       to_char(a.fired_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "firedAt",
       to_char(a.resolved_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "resolvedAt"
     FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE a.id = ANY($1::int[])`,
    [[...new Set(due.map((d) => d.alert_id))]],
  );
  const byId = new Map(alerts.map((a) => [a.id, a]));
  const perChannel = new Map<number, MessageAlert[]>();
  for (const d of due) {
    const alert = byId.get(d.alert_id);
    if (!alert) continue;
    const list = perChannel.get(d.channel_id) ?? [];
    list.push({ ...alert, repeat: d.event === "repeat" });
    perChannel.set(d.channel_id, list);
  }
  const channels = [...perChannel.keys()].sort((a, b) => a - b);
  await tx.query(
    `INSERT INTO notification_deliveries (channel_id, kind, payload, created_at)
     SELECT channel_id, 'alerts', payload, $3::timestamp(3) FROM unnest($1::int[], $2::jsonb[]) AS m(channel_id, payload)`,
    [channels, channels.map((id) => JSON.stringify(alertMessagePayload(perChannel.get(id)!, now))), now],
  );
  return channels;
}
