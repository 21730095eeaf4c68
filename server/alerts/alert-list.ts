// The Alerts page's reads and the operators' acknowledgement. "Silenced" is computed with the same
// matchers the notifications use (notify-sql.ts), at the time of reading.
import { z } from "zod";
import { db, Prisma } from "../db";
import { AppError, notFound } from "../errors";
import { AlertRuleKind, AlertSeverity } from "../generated/prisma/enums";
import { likePattern } from "../like-pattern";

import { alertViews } from "../../lib/alerts";

export const alertListInput = z.object({
  view: z.enum(alertViews).default("firing"),
  severity: z.enum(AlertSeverity).optional(),
  kind: z.enum(AlertRuleKind).optional(),
  /** Part of the subject or rule name. */
  q: z.string().trim().max(200).optional(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});

/** A silence active at `now` matches the alert a of rule r: the matchers notify-sql.ts applies to notifications. */
const silencedAt = (now: Date) => Prisma.sql`EXISTS (SELECT 1 FROM alert_silences si
  WHERE si.starts_at <= ${now}::timestamp(3) AND si.ends_at > ${now}::timestamp(3)
    AND (si.rule_id IS NULL OR si.rule_id = a.rule_id)
    AND (si.kind IS NULL OR si.kind = r.kind)
    AND (si.scope_kind IS NULL OR (si.scope_kind = r.scope_kind AND si.scope_id IS NOT DISTINCT FROM r.scope_id))
    AND (si.subject_pattern IS NULL OR a.subject_label ILIKE
         replace(replace(replace(replace(si.subject_pattern, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%')))`;

export type AlertItem = {
  id: number;
  state: "pending" | "firing" | "resolved";
  ruleId: number;
  rule: string;
  kind: AlertRuleKind;
  severity: AlertSeverity;
  subjectLabel: string;
  detail: string | null;
  pendingSince: Date;
  firedAt: Date | null;
  resolvedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  silenced: boolean;
};

export async function listAlerts(input: z.output<typeof alertListInput>, now = new Date()) {
  const silenced = silencedAt(now);
  const filters = [
    input.view === "silenced"
      ? Prisma.sql`a.state = 'firing' AND ${silenced}`
      : input.view === "firing"
        ? Prisma.sql`a.state = 'firing' AND NOT ${silenced}`
        : Prisma.sql`a.state = ${input.view}::"AlertState"`,
    input.severity ? Prisma.sql`r.severity = ${input.severity}::"AlertSeverity"` : Prisma.empty,
    input.kind ? Prisma.sql`r.kind = ${input.kind}::"AlertRuleKind"` : Prisma.empty,
    input.q
      ? Prisma.sql`(a.subject_label ILIKE ${likePattern(input.q)} OR r.name ILIKE ${likePattern(input.q)})`
      : Prisma.empty,
  ].filter((f) => f !== Prisma.empty);
  const where = Prisma.join(filters, " AND ");
  const order =
    input.view === "resolved" ? Prisma.sql`a.resolved_at DESC, a.id DESC` : Prisma.sql`r.severity DESC, a.id DESC`;
  const [items, [count]] = await Promise.all([
    db().$queryRaw<AlertItem[]>`
      SELECT a.id, a.state::text AS state, a.rule_id AS "ruleId", r.name AS rule, r.kind::text AS kind,
        r.severity::text AS severity, a.subject_label AS "subjectLabel", a.detail, a.pending_since AS "pendingSince",
        a.fired_at AS "firedAt", a.resolved_at AS "resolvedAt", a.acknowledged_at AS "acknowledgedAt",
        a.acknowledged_by AS "acknowledgedBy", ${silenced} AS silenced
      FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
      WHERE ${where} ORDER BY ${order}
      LIMIT ${input.pageSize} OFFSET ${(input.page - 1) * input.pageSize}`,
    db().$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE ${where}`,
  ]);
  const total = count?.n ?? 0;
  return {
    items,
    total,
    page: input.page,
    pageSize: input.pageSize,
    pageCount: Math.max(1, Math.ceil(total / input.pageSize)),
  };
}

/** Firing alerts, silenced ones included: the nav badge, and what the Prometheus export reports (docs/alerts.md). */
export const firingCount = () => db().alert.count({ where: { state: "firing" } });

/** Acknowledged alerts are not sent again (repeat interval) until they resolve. */
export async function acknowledgeAlert(id: number, by: string, acknowledged: boolean) {
  const alert = await db().alert.findUnique({ where: { id }, select: { state: true } });
  if (!alert) throw notFound("Alert");
  if (alert.state === "resolved") throw new AppError("PRECONDITION_FAILED", "The alert is resolved already");
  await db().alert.update({
    where: { id },
    data: acknowledged
      ? { acknowledgedAt: new Date(), acknowledgedBy: by }
      : { acknowledgedAt: null, acknowledgedBy: null },
  });
  return { id, acknowledged };
}
