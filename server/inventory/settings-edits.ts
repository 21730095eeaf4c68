// Admins' edits of update settings at the three levels the resolver reads (settings.ts):
// an instance's custom_* overrides, its group's settings, its catalog entry's defaults.
// An empty value clears a setting, so the next level down applies again.
import { z } from "zod";
import { changesOf } from "../audit/changes";
import type { AuditSink } from "../audit/recorder";
import { db } from "../db";
import { eurekaAppNameSchema } from "../eureka/urls";
import { AppError, notFound } from "../errors";
import { BatchGroupingStrategy } from "../generated/prisma/enums";
import { playbookPathProblem } from "../tasks/playbook-paths";
import { getGroupSettings } from "./queries/groups";
import { getCatalogEntry } from "./queries/catalog";
import { getInstance } from "./queries/instance-detail";
import { batchSizeSchema } from "../../lib/batching";
import { positiveId as id } from "../../lib/schemas";

const playbookPath = z
  .string()
  .max(500, { error: "at most 500 characters", abort: true })
  .regex(/^\/[^\0\r\n]*\.ya?ml$/, {
    error: "must be an absolute path to a .yml or .yaml playbook, e.g. /etc/ansible/update-app.yml",
    abort: true,
  })
  // Async: the tRPC input parser awaits it, and the form shows the reason at the field.
  .superRefine(async (value, ctx) => {
    const problem = await playbookPathProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
const artifactUrl = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
  .max(2000, "at most 2000 characters")
  // The URL parser takes a space in a password, but readers' redaction finds URLs up to whitespace (reader-urls.ts).
  .regex(/^\S+$/, "no spaces: write them as %20");
const artifactExtension = z
  .string()
  .max(20, "at most 20 characters")
  .regex(/^\.?[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/, "letters and digits such as jar, war or tar.gz");

/** Optional in a patch (absent = unchanged); "" or null clears the setting. */
const clearable = <T extends z.ZodType<string, string>>(schema: T) =>
  z
    .string()
    .trim()
    .transform((v) => v || null)
    .pipe(schema.nullable())
    .nullable()
    .optional();
const description = z
  .string()
  .trim()
  .max(2000, "at most 2000 characters")
  .transform((v) => v || null)
  .nullable()
  .optional();

export const instanceSettingsInput = z.object({
  id,
  customPlaybookPath: clearable(playbookPath),
  customArtifactUrl: clearable(artifactUrl),
  customArtifactExtension: clearable(artifactExtension),
});

export const groupSettingsInput = z
  .object({
    id,
    description,
    updatePlaybookPath: clearable(playbookPath),
    artifactListUrl: clearable(artifactUrl),
    artifactExtension: clearable(artifactExtension),
    batchGroupingStrategy: z
      .enum(BatchGroupingStrategy, { error: `must be one of ${Object.values(BatchGroupingStrategy).join(", ")}` })
      .optional(),
    batchSize: batchSizeSchema.nullable().optional(),
    /** Empty: the group's name, upper-cased (docs/update-tasks.md, "Eureka"). */
    eurekaAppName: clearable(eurekaAppNameSchema),
  })
  .refine((v) => !(v.batchGroupingStrategy === "fixed_size" && v.batchSize === null), {
    path: ["batchSize"],
    message: "required for the fixed_size strategy",
  });

export const catalogSettingsInput = z.object({
  id,
  description,
  defaultPlaybookPath: clearable(playbookPath),
  defaultArtifactUrl: clearable(artifactUrl),
  defaultArtifactExt: clearable(artifactExtension),
});

// Each edit writes its audit row (docs/audit.md) in its transaction: the fields the patch names, before → after.
export async function updateInstanceSettings(
  { id, ...patch }: z.output<typeof instanceSettingsInput>,
  audit?: AuditSink,
) {
  await db().$transaction(async (tx) => {
    const before = await tx.applicationInstance.findUnique({ where: { id } });
    if (!before) throw notFound("Application instance");
    await tx.applicationInstance.update({ where: { id }, data: patch, select: { id: true } });
    const target = { type: "instance", id, label: before.instanceName };
    await audit?.record(tx, { target, changes: changesOf(before, patch) });
  });
  return getInstance(id);
}

export async function updateGroupSettings({ id, ...patch }: z.output<typeof groupSettingsInput>, audit?: AuditSink) {
  await db().$transaction(async (tx) => {
    const stored = await tx.applicationGroup.findUnique({ where: { id } });
    if (!stored) throw notFound("Application group");
    const strategy = patch.batchGroupingStrategy ?? stored.batchGroupingStrategy;
    const batchSize = patch.batchSize === undefined ? stored.batchSize : patch.batchSize;
    if (strategy === "fixed_size" && !batchSize) {
      throw new AppError(
        "BAD_REQUEST",
        "The fixed_size strategy needs a batch size: set one, or choose another strategy",
      );
    }
    await tx.applicationGroup.update({ where: { id }, data: patch, select: { id: true } });
    await audit?.record(tx, { target: { type: "group", id, label: stored.name }, changes: changesOf(stored, patch) });
  });
  return getGroupSettings(id);
}

export async function updateCatalogSettings(
  { id, ...patch }: z.output<typeof catalogSettingsInput>,
  audit?: AuditSink,
) {
  await db().$transaction(async (tx) => {
    const before = await tx.applicationCatalog.findUnique({ where: { id } });
    if (!before) throw notFound("Catalog entry");
    await tx.applicationCatalog.update({ where: { id }, data: patch, select: { id: true } });
    await audit?.record(tx, { target: { type: "catalog", id, label: before.name }, changes: changesOf(before, patch) });
  });
  return getCatalogEntry(id);
}
