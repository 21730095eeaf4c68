// Bulk drain / ready / maint (docs/haproxy.md, "Bulk actions and host maintenance"): a preview
// says exactly what a selection touches; start stores the action and one item per server in
// PostgreSQL, then runs it in this process (bulk-run.ts) while any replica's page polls the
// rows (bulk-status.ts).
import { z } from "zod";
import { db, type Prisma } from "../db";
import { AppError } from "../errors";
import { announce } from "../live/feed";
import { launchBulk } from "./bulk-run";
import { isOutOfPool } from "../../lib/haproxy-status";
import { bulkInput, resolveSelection, type BulkInput } from "./bulk-selection";
import { assertEnabled } from "./settings";

/** Servers a preview lists by name; the count covers all of them. */
export const PREVIEW_ITEMS = 20;
// Key space of the advisory lock that makes "one open maintenance per host" hold under concurrent starts.
const HOST_LOCK = 0x4a7d;

export async function previewBulk(input: BulkInput) {
  const { description, targets } = await resolveSelection(input);
  return {
    command: input.command,
    description,
    count: targets.length,
    loadBalancers: new Set(targets.map((t) => t.haproxyInstanceId)).size,
    items: targets
      .slice(0, PREVIEW_ITEMS)
      .map((t) => ({ haproxyServerId: t.haproxyServerId, label: t.label, status: t.status })),
    /** Host maintenance: servers out of the pool already (at the last sync), which it leaves alone. */
    alreadyOut: input.selection.kind === "host" ? targets.filter((t) => isOutOfPool(t.status)).length : 0,
  };
}

export const bulkStartInput = bulkInput.extend({
  /** The count the confirmation named; a selection that changed since is refused, not run. */
  expectedCount: z.number().int().min(0).optional(),
});

/** Stores the action with its items and starts it; returns at once. */
export async function startBulk(input: z.output<typeof bulkStartInput>, actor: string) {
  assertEnabled();
  const resolved = await resolveSelection(input);
  const total = resolved.targets.length;
  // Ending a maintenance that took nothing out (every item failed or was skipped) still closes it.
  if (total === 0 && input.selection.kind !== "host_end")
    throw new AppError("BAD_REQUEST", "Nothing to do: the selection has no live HAProxy servers");
  if (input.expectedCount !== undefined && input.expectedCount !== total)
    throw new AppError(
      "CONFLICT",
      `The selection changed since the preview: it has ${total} servers now, the confirmation named ${input.expectedCount}. Look again and confirm.`,
    );
  const { selection } = input;
  const id = await db().$transaction(async (tx) => {
    if (resolved.hostServerId !== null) await lockedMaintenanceCheck(tx, resolved.hostServerId, resolved.maintenanceId);
    const action = await tx.hAProxyBulkAction.create({
      data: {
        kind: selection.kind,
        command: input.command,
        description: resolved.description,
        actor,
        hostServerId: resolved.hostServerId,
        heartbeatAt: new Date(),
        createdAt: new Date(),
      },
      select: { id: true },
    });
    await tx.hAProxyBulkItem.createMany({
      data: resolved.targets.map((t) => ({
        bulkActionId: action.id,
        haproxyServerId: t.haproxyServerId,
        haproxyInstanceId: t.haproxyInstanceId,
        target: t.label,
      })),
    });
    if (resolved.maintenanceId !== null)
      await tx.hAProxyBulkAction.update({ where: { id: resolved.maintenanceId }, data: { endedById: action.id } });
    await announce(tx, "haproxy"); // the action's start (a host's maintenance opens or ends); bulk-run.ts its progress
    return action.id;
  });
  launchBulk(id);
  return { id, total };
}

/** Under a per-host lock: the open maintenance is still what resolveSelection saw (none, or the one being ended). */
async function lockedMaintenanceCheck(tx: Prisma.TransactionClient, hostServerId: number, ending: number | null) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${HOST_LOCK}::int, ${hostServerId}::int)`;
  const open = await tx.hAProxyBulkAction.findFirst({
    where: { kind: "host", hostServerId, endedById: null },
    select: { id: true },
  });
  if ((open?.id ?? null) !== ending)
    throw new AppError("CONFLICT", "Someone else started or ended this host's maintenance just now; look again");
}
