// Admins' edits of the status map: every write to status_mappings goes through this module
// (one place to audit). A change reaches the stored statuses at the next poll (status-map.ts).
import { z } from "zod";
import { changesOf } from "../audit/changes";
import type { AuditSink } from "../audit/recorder";
import { APP_KINDS, STATUS_MAX_LENGTH } from "../agent/contract";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import { mappableStatuses } from "./status-map";
import { canonicalStatuses, defaultStatusMap, statusKey } from "./status";

/** The map is read whole by every poll cycle; an admin needs dozens of entries, not thousands. */
export const MAX_STATUS_MAPPINGS = 500;

export const statusMappingSelect = { id: true, appType: true, rawStatus: true, status: true, updatedAt: true } as const;

export const statusMappingInput = z.object({
  appType: z.enum(APP_KINDS, { error: `must be one of ${APP_KINDS.join(", ")}` }),
  rawStatus: z
    .string({ error: "required" })
    .trim()
    .min(1, "required")
    .max(STATUS_MAX_LENGTH, `at most ${STATUS_MAX_LENGTH} characters`)
    .regex(/^[^\u0000-\u001f\u007f]+$/, "no control characters")
    .transform((v) => statusKey(v)!)
    .refine(
      (v) => !(canonicalStatuses as readonly string[]).includes(v),
      "is one of AC's own statuses, which always mean themselves",
    ),
  status: z.enum(mappableStatuses, { error: `must be one of ${mappableStatuses.join(", ")}` }),
});
export type StatusMappingInput = z.output<typeof statusMappingInput>;

export function listStatusMappings() {
  return db().statusMapping.findMany({
    select: statusMappingSelect,
    orderBy: [{ appType: "asc" }, { rawStatus: "asc" }],
  });
}

/** The defaults, for the admin page and the docs: key → status, in table order. */
export const defaultStatusEntries = () => [...defaultStatusMap].map(([rawStatus, status]) => ({ rawStatus, status }));

/** Adds an entry or changes the status of an existing one (same app type and key). */
const target = (m: { id: number; appType: string; rawStatus: string }) => ({
  type: "status_mapping",
  id: m.id,
  label: `${m.appType} "${m.rawStatus}"`,
});

export async function setStatusMapping(input: StatusMappingInput, audit?: AuditSink) {
  return db().$transaction(async (tx) => {
    // Serialises concurrent additions so two admins cannot together pass the size limit.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('status_mappings'))`;
    const where = { appType_rawStatus: { appType: input.appType, rawStatus: input.rawStatus } };
    const existing = await tx.statusMapping.findUnique({ where, select: statusMappingSelect });
    if (!existing && (await tx.statusMapping.count()) >= MAX_STATUS_MAPPINGS) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `The status map is full (${MAX_STATUS_MAPPINGS} entries): delete entries that are no longer needed first`,
      );
    }
    const stored = await tx.statusMapping.upsert({
      where,
      create: input,
      update: { status: input.status },
      select: statusMappingSelect,
    });
    await audit?.record(tx, { target: target(stored), changes: changesOf(existing, stored) });
    return stored;
  });
}

export async function deleteStatusMapping(id: number, audit?: AuditSink) {
  return db().$transaction(async (tx) => {
    const before = await tx.statusMapping.findUnique({ where: { id }, select: statusMappingSelect });
    if (!before) throw notFound("Status map entry");
    await tx.statusMapping.delete({ where: { id } });
    await audit?.record(tx, { target: target(before), changes: changesOf(before, null) });
    return { id };
  });
}
