// Reading bulk actions back: one action with its counts per result, its items a keyset page at
// a time, recent actions, and a host's maintenance state. Everything comes from PostgreSQL, so
// any replica answers. A running action whose process stopped (no heartbeat) is closed here as
// interrupted, its unfinished items failed, so nothing shows "running" forever.
import { z } from "zod";
import { db } from "../db";
import { notFound } from "../errors";
import { announce } from "../live/feed";
import { HEARTBEAT_STALE_MS, bulkRunningHere } from "./bulk-run";
import { openMaintenance } from "./bulk-selection";
import { positiveId } from "../../lib/schemas";

const actionSelect = {
  id: true,
  kind: true,
  command: true,
  description: true,
  actor: true,
  status: true,
  hostServerId: true,
  endedById: true,
  createdAt: true,
  finishedAt: true,
} as const;

const INTERRUPTED = "not run: the AC process running this bulk action stopped";

async function closeIfLost(id: number, heartbeatAt: Date): Promise<void> {
  if (bulkRunningHere(id) || Date.now() - heartbeatAt.getTime() < HEARTBEAT_STALE_MS) return;
  await db().$transaction(async (tx) => {
    const closed = await tx.hAProxyBulkAction.updateMany({
      where: { id, status: "running", heartbeatAt },
      data: { status: "interrupted", finishedAt: new Date() },
    });
    if (closed.count === 0) return; // another reader closed it first, and announced it
    await tx.hAProxyBulkItem.updateMany({
      where: { bulkActionId: id, result: "pending" },
      data: { result: "failed", error: INTERRUPTED, finishedAt: new Date() },
    });
    await announce(tx, "haproxy"); // other pages showing the action (a host's maintenance) see it end
  });
}

export async function bulkStatus(id: number) {
  const found = await db().hAProxyBulkAction.findUnique({ where: { id }, select: { status: true, heartbeatAt: true } });
  if (!found) throw notFound("Bulk action");
  if (found.status === "running") await closeIfLost(id, found.heartbeatAt);
  const [action, grouped] = await Promise.all([
    db().hAProxyBulkAction.findUniqueOrThrow({ where: { id }, select: actionSelect }),
    db().hAProxyBulkItem.groupBy({ by: ["result"], where: { bulkActionId: id }, _count: { _all: true } }),
  ]);
  const counts = { total: 0, pending: 0, success: 0, failed: 0, skipped: 0 };
  for (const g of grouped) {
    counts[g.result] = g._count._all;
    counts.total += g._count._all;
  }
  return { ...action, counts };
}

export const bulkItemsInput = z.object({
  id: positiveId,
  /** Keyset: items after this item id. */
  afterId: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(500, "at most 500").default(100),
  result: z.enum(["pending", "success", "failed", "skipped"]).optional(),
});

export async function bulkItems(input: z.output<typeof bulkItemsInput>) {
  const exists = await db().hAProxyBulkAction.findUnique({ where: { id: input.id }, select: { id: true } });
  if (!exists) throw notFound("Bulk action");
  const items = await db().hAProxyBulkItem.findMany({
    where: { bulkActionId: input.id, result: input.result, ...(input.afterId ? { id: { gt: input.afterId } } : {}) },
    select: {
      id: true,
      haproxyServerId: true,
      target: true,
      result: true,
      status: true,
      error: true,
      finishedAt: true,
    },
    orderBy: { id: "asc" },
    take: input.limit + 1,
  });
  const more = items.length > input.limit;
  const page = more ? items.slice(0, input.limit) : items;
  return { items: page, nextAfterId: more ? page[page.length - 1]!.id : null };
}

/** Newest first; 50 at most (the action log, haproxy.actions, has every command). */
export async function recentBulkActions() {
  return db().hAProxyBulkAction.findMany({ select: actionSelect, orderBy: { id: "desc" }, take: 50 });
}

/** The server page's panel: how many live HAProxy servers its instances are behind, and its open maintenance. */
export async function hostMaintenance(serverId: number) {
  const server = await db().server.findUnique({ where: { id: serverId }, select: { id: true, name: true } });
  if (!server) throw notFound("Server");
  const [mapped, open] = await Promise.all([
    db().hAProxyServer.count({
      where: { applicationInstance: { serverId }, removedAt: null, backend: { removedAt: null } },
    }),
    openMaintenance(serverId),
  ]);
  return { server, mapped, open: open ? await bulkStatus(open.id) : null };
}
