// Silences (docs/alerts.md, "Silences"): matchers on rule, kind, rule scope and the subject's
// label (a glob, * = anything, case-insensitive); all given matchers must match. A silence mutes
// notifications until it ends; the alert still shows, marked silenced. Expiring one ends it now.
import { z } from "zod";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import { AlertRuleKind, AlertScopeKind } from "../generated/prisma/enums";
import { checkScopeExists } from "./scope";

/** A subject pattern of stars alone (or none) matches every label: it is no matcher at all. */
const matchesEveryLabel = (pattern: string | null) => pattern === null || /^\*+$/.test(pattern);

export const silenceInput = z
  .object({
    ruleId: z.number().int().positive().nullable().default(null),
    kind: z.enum(AlertRuleKind).nullable().default(null),
    scopeKind: z.enum(AlertScopeKind).nullable().default(null),
    scopeId: z.number().int().positive().nullable().default(null),
    subjectPattern: z.string().trim().min(1).max(300).nullable().default(null),
    /** Minutes from now; at most 30 days. */
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 60),
    reason: z.string().trim().min(1, "say why").max(500),
  })
  .refine((s) => s.ruleId !== null || s.kind !== null || s.scopeKind !== null || !matchesEveryLabel(s.subjectPattern), {
    message: "give at least one matcher: a silence of everything would hide every alert",
  })
  .refine((s) => s.scopeKind === null || s.scopeKind === "all" || s.scopeId !== null, {
    path: ["scopeId"],
    message: "a scope other than all needs an id",
  });

/**
 * Open (not yet ended) silences one author may hold: every evaluation matches each firing alert
 * against every open silence, so a script looping on `alerts.silence` must not grow that work.
 */
export const OPEN_SILENCES_PER_AUTHOR = 50;

export async function createSilence(input: z.output<typeof silenceInput>, by: string, now = new Date()) {
  const { durationMinutes, ...matchers } = input;
  if (
    matchers.ruleId !== null &&
    !(await db().alertRule.findUnique({ where: { id: matchers.ruleId }, select: { id: true } }))
  )
    throw notFound("Alert rule");
  await checkScopeExists(matchers.scopeKind, matchers.scopeId);
  return db().$transaction(async (tx) => {
    // One author's creations one at a time, so two parallel calls cannot both pass the count.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('alert_silences'), hashtext(${by}))`;
    const open = await tx.alertSilence.count({ where: { createdBy: by, endsAt: { gt: now } } });
    if (open >= OPEN_SILENCES_PER_AUTHOR)
      throw new AppError(
        "PRECONDITION_FAILED",
        `You have ${open} open silences, the most one person may hold (${OPEN_SILENCES_PER_AUTHOR}); end some first`,
      );
    return tx.alertSilence.create({
      data: {
        ...matchers,
        scopeId: matchers.scopeKind === "all" ? null : matchers.scopeId,
        startsAt: now,
        endsAt: new Date(now.getTime() + durationMinutes * 60_000),
        createdBy: by,
      },
      select: { id: true, endsAt: true },
    });
  });
}

export async function expireSilence(id: number, now = new Date()) {
  const silence = await db().alertSilence.findUnique({ where: { id }, select: { endsAt: true } });
  if (!silence) throw notFound("Silence");
  if (silence.endsAt <= now) throw new AppError("PRECONDITION_FAILED", "The silence has ended already");
  await db().alertSilence.update({ where: { id }, data: { endsAt: now } });
  return { id };
}

export const silenceListInput = z.object({
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
});

/** Active and upcoming first, then ended ones, newest first. */
export async function listSilences(input: z.output<typeof silenceListInput>, now = new Date()) {
  const [items, total] = await Promise.all([
    db().alertSilence.findMany({
      orderBy: [{ endsAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
    }),
    db().alertSilence.count(),
  ]);
  return {
    items: items.map((s) => ({ ...s, active: s.startsAt <= now && s.endsAt > now })),
    total,
    page: input.page,
    pageSize: input.pageSize,
    pageCount: Math.max(1, Math.ceil(total / input.pageSize)),
  };
}
export type SilenceItem = Awaited<ReturnType<typeof listSilences>>["items"][number];
