// One evaluation of every enabled alert rule (docs/alerts.md, "Evaluation"), called after each
// poll cycle and HAProxy sync. Set-based: one statement per rule kind collects the subjects whose
// condition holds into a temporary table; a handful of statements then move alerts pending →
// firing → resolved and decide what each channel is told. The whole evaluation is one transaction
// under an advisory lock, so replicas evaluating at once take turns; the unique index on open
// alerts (rule, subject) and the conditional updates make each alert and each message exist once
// even without it.
import { config } from "../config";
import { pgTransaction, type PgTx } from "../db";
import { announceSql } from "../live/feed";
import type { AlertRuleKind, AlertScopeKind } from "../generated/prisma/enums";
import { conditionSql } from "./conditions-sql";
import { kickDeliveries, queuedChannels } from "./delivery";
import { enqueueMessages, notificationsDue } from "./notify-sql";
import { checkRule } from "./rule-kinds";

/** pg_advisory_xact_lock key: "AC alerts" as a number, shared by every replica. */
const EVALUATION_LOCK = 0x4143_616c;

type RuleRow = {
  id: number;
  kind: AlertRuleKind;
  params: unknown;
  scope_kind: AlertScopeKind;
  scope_id: number | null;
};

export type EvaluationSummary = {
  rules: number;
  conditions: number;
  firing: number;
  pending: number;
  fired: number;
  resolved: number;
  messages: number;
  skippedRules: number;
};

/** Evaluates every enabled rule at `now`; notifications go out through the delivery queue. */
export async function evaluateAlerts(now = new Date()): Promise<EvaluationSummary> {
  const { summary, channels } = await pgTransaction((tx) => evaluateIn(tx, now.toISOString()));
  // After COMMIT, so a worker finds the messages; the sweep also wakes channels whose earlier kick was lost.
  await kickDeliveries([...new Set([...channels, ...(await queuedChannels())])]);
  return summary;
}

async function evaluateIn(tx: PgTx, now: string) {
  await tx.query("SELECT pg_advisory_xact_lock($1)", [EVALUATION_LOCK]);
  const { rows: ruleRows } = await tx.query<RuleRow>(
    "SELECT id, kind, params, scope_kind, scope_id FROM alert_rules WHERE enabled ORDER BY id",
  );
  const byKind = new Map<AlertRuleKind, object[]>();
  let skippedRules = 0;
  for (const rule of ruleRows) {
    const checked = checkRule(rule.kind, rule.params, rule.scope_kind, rule.scope_id);
    if (!checked.ok) {
      skippedRules++;
      console.warn(`[ac] alert rule ${rule.id} skipped: ${checked.message}`);
      continue;
    }
    const list = byKind.get(rule.kind) ?? [];
    list.push({ id: rule.id, scope_kind: rule.scope_kind, scope_id: rule.scope_id, params: checked.params });
    byKind.set(rule.kind, list);
  }

  await tx.query(
    "CREATE TEMP TABLE alert_conditions (rule_id int, subject text, label text, detail text) ON COMMIT DROP",
  );
  let conditions = 0;
  for (const [kind, rules] of byKind) {
    const sql = conditionSql[kind];
    // $1 rules, $2 now, $3 the polling interval: each statement is bound only what it uses.
    const used = Math.max(...[...sql.matchAll(/\$(\d)/g)].map((m) => Number(m[1])));
    const params = [JSON.stringify(rules), now, config().POLLING_INTERVAL].slice(0, used);
    conditions += (await tx.query(`INSERT INTO alert_conditions ${sql}`, params)).rowCount ?? 0;
  }
  await tx.query("ANALYZE alert_conditions");

  const transitions = await moveAlerts(tx, now);
  // Open alert pages and the dashboard refresh on commit (docs/architecture.md, "Change feed").
  // Pending alerts count: the alerts page lists them, so one opening or withdrawn is news too.
  if (Object.values(transitions).some((n) => n > 0)) await announceSql(tx, "alerts");
  const due = await notificationsDue(tx, now);
  const channels = await enqueueMessages(tx, due, now);
  const { rows } = await tx.query<{ state: string; n: number }>(
    "SELECT state, count(*)::int AS n FROM alerts WHERE open GROUP BY state",
  );
  const count = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
  const summary: EvaluationSummary = {
    rules: ruleRows.length - skippedRules,
    conditions,
    firing: count("firing"),
    pending: count("pending"),
    fired: transitions.fired,
    resolved: transitions.resolved,
    messages: channels.length,
    skippedRules,
  };
  return { summary, channels };
}

/** New conditions open as pending; pending ones whose `for` elapsed fire; cleared ones resolve (or vanish if never fired). */
async function moveAlerts(tx: PgTx, now: string) {
  const opened = await tx.query(
    `INSERT INTO alerts (rule_id, subject, subject_label, state, open, detail, pending_since)
     SELECT DISTINCT ON (rule_id, subject) rule_id, subject, left(label, 300), 'pending', true, left(detail, 500), $1::timestamp(3)
     FROM alert_conditions ORDER BY rule_id, subject
     ON CONFLICT (rule_id, subject, open) DO UPDATE SET subject_label = EXCLUDED.subject_label, detail = EXCLUDED.detail
     WHERE alerts.subject_label IS DISTINCT FROM EXCLUDED.subject_label OR alerts.detail IS DISTINCT FROM EXCLUDED.detail`,
    [now],
  );
  const cleared = `NOT EXISTS (SELECT 1 FROM alert_conditions c WHERE c.rule_id = a.rule_id AND c.subject = a.subject)`;
  // A condition that cleared before its `for` elapsed never paged: its pending row goes (flapping, docs/alerts.md).
  const withdrawn = await tx.query(`DELETE FROM alerts a WHERE a.state = 'pending' AND ${cleared}`);
  const resolved = await tx.query(
    `UPDATE alerts a SET state = 'resolved', open = NULL, resolved_at = $1::timestamp(3)
     WHERE a.state = 'firing' AND ${cleared}`,
    [now],
  );
  const fired = await tx.query(
    `UPDATE alerts a SET state = 'firing', fired_at = $1::timestamp(3) FROM alert_rules r
     WHERE a.rule_id = r.id AND a.state = 'pending'
       AND a.pending_since + make_interval(secs => r.for_seconds) <= $1::timestamp(3)`,
    [now],
  );
  return {
    // New pending alerts, and open ones whose label or detail changed (the upsert's rows).
    opened: opened.rowCount ?? 0,
    withdrawn: withdrawn.rowCount ?? 0,
    fired: fired.rowCount ?? 0,
    resolved: resolved.rowCount ?? 0,
  };
}
