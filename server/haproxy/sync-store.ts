// Writes one instance's sync result in one transaction: backends and servers created, updated,
// soft-deleted (removed_at) when they vanished or left the selection, restored when they come
// back, and a status history row for every status change. Unchanged servers cost no statement.
// Through Prisma, with one tagged-SQL bulk update (docs/architecture.md, "Data access").
import type { LiveServer } from "../agent/haproxy-contract";
import { db, Prisma } from "../db";
import { announce, announcement } from "../live/feed";

export type SyncCounts = {
  backends: number;
  servers: number;
  created: number;
  updated: number;
  removed: number;
  restored: number;
  statusChanges: number;
};

type StoredServer = {
  id: number;
  backendId: number;
  serverName: string;
  address: string | null;
  status: string | null;
  weight: number | null;
  currentSessions: number | null;
  maxSessions: number | null;
  removedAt: Date | null;
};
type Update = { id: number; live: LiveServer; statusChanged: boolean };

const sameData = (s: StoredServer, l: LiveServer) =>
  s.address === l.address &&
  s.status === l.status &&
  s.weight === l.weight &&
  s.currentSessions === l.currentSessions &&
  s.maxSessions === l.maxSessions;

/**
 * `fetched`: the selected backends the agent reported, each with its servers. A live server
 * always has a live backend (a vanished backend takes its servers with it), so counts of live
 * servers need no join.
 */
export async function storeSync(
  instanceId: number,
  fetched: Map<string, LiveServer[]>,
  now: Date,
): Promise<SyncCounts> {
  return db().$transaction(
    async (tx) => {
      const counts: SyncCounts = {
        backends: fetched.size,
        servers: 0,
        created: 0,
        updated: 0,
        removed: 0,
        restored: 0,
        statusChanges: 0,
      };
      // Two replicas may store a sync of the same instance at once (the job on one, "Sync now" on
      // another): the instance's row lock makes the second wait and then build on the first. (NO KEY:
      // rows that only reference the instance, like a first breaker failure, need not wait.)
      await tx.$executeRaw`SELECT 1 FROM haproxy_instances WHERE id = ${instanceId} FOR NO KEY UPDATE`;
      const backends = await tx.hAProxyBackend.findMany({
        where: { haproxyInstanceId: instanceId },
        select: { id: true, backendName: true, removedAt: true },
      });
      const byName = new Map(backends.map((b) => [b.backendName, b]));

      const missing = [...fetched.keys()].filter((name) => !byName.has(name));
      if (missing.length) {
        const created = await tx.hAProxyBackend.createManyAndReturn({
          data: missing.map((backendName) => ({ haproxyInstanceId: instanceId, backendName })),
          select: { id: true, backendName: true, removedAt: true },
        });
        for (const b of created) byName.set(b.backendName, b);
      }
      const restore = backends.filter((b) => b.removedAt && fetched.has(b.backendName)).map((b) => b.id);
      const gone = backends.filter((b) => !b.removedAt && !fetched.has(b.backendName)).map((b) => b.id);
      if (restore.length)
        await tx.hAProxyBackend.updateMany({ where: { id: { in: restore } }, data: { removedAt: null } });
      if (gone.length) {
        await tx.hAProxyBackend.updateMany({ where: { id: { in: gone } }, data: { removedAt: now } });
        // Servers of a vanished backend vanish with it (and come back with its next sync).
        counts.removed += (
          await tx.hAProxyServer.updateMany({
            where: { backendId: { in: gone }, removedAt: null },
            data: { removedAt: now },
          })
        ).count;
      }

      const backendIds = [...fetched.keys()].map((name) => byName.get(name)!.id);
      const stored: StoredServer[] = await tx.hAProxyServer.findMany({
        where: { backendId: { in: backendIds } },
        select: {
          id: true,
          backendId: true,
          serverName: true,
          address: true,
          status: true,
          weight: true,
          currentSessions: true,
          maxSessions: true,
          removedAt: true,
        },
      });
      const storedBy = new Map(stored.map((s) => [`${s.backendId}\n${s.serverName}`, s]));

      const creates: Prisma.HAProxyServerCreateManyInput[] = [];
      const updates: Update[] = [];
      const vanished: number[] = [];
      const history: Prisma.HAProxyServerStatusHistoryCreateManyInput[] = [];
      for (const [name, servers] of fetched) {
        const backendId = byName.get(name)!.id;
        const seen = new Set<string>();
        for (const live of servers) {
          counts.servers++;
          seen.add(live.name);
          const s = storedBy.get(`${backendId}\n${live.name}`);
          if (!s) {
            creates.push({
              backendId,
              serverName: live.name,
              ...liveFields(live),
              lastStatusChange: live.status ? now : null,
            });
            continue;
          }
          if (s.removedAt) counts.restored++;
          if (s.removedAt || !sameData(s, live))
            updates.push({ id: s.id, live, statusChanged: s.status !== live.status });
          if (s.status !== live.status && live.status)
            history.push({ haproxyServerId: s.id, oldStatus: s.status, newStatus: live.status, changedAt: now });
        }
        for (const s of stored)
          if (s.backendId === backendId && !s.removedAt && !seen.has(s.serverName)) vanished.push(s.id);
      }

      if (creates.length) {
        const created = await tx.hAProxyServer.createManyAndReturn({
          data: creates,
          select: { id: true, status: true },
        });
        counts.created = created.length;
        for (const s of created)
          if (s.status) history.push({ haproxyServerId: s.id, oldStatus: null, newStatus: s.status, changedAt: now });
      }
      if (updates.length) await bulkUpdate(tx, updates, now);
      counts.updated = updates.length;
      if (vanished.length)
        counts.removed += (
          await tx.hAProxyServer.updateMany({ where: { id: { in: vanished } }, data: { removedAt: now } })
        ).count;
      if (history.length) await tx.hAProxyServerStatusHistory.createMany({ data: history });
      counts.statusChanges = history.length;
      // Open HAProxy pages refresh when this commits (docs/architecture.md, "Change feed").
      if (missing.length || restore.length || gone.length || creates.length || updates.length || vanished.length)
        await announce(tx, "haproxy");
      return counts;
    },
    { timeout: 60_000 },
  );
}

const liveFields = (l: LiveServer) => ({
  address: l.address,
  status: l.status,
  weight: l.weight,
  currentSessions: l.currentSessions,
  maxSessions: l.maxSessions,
});

/** One statement for any number of changed servers (sessions move on every sync of a busy LB). */
async function bulkUpdate(tx: Prisma.TransactionClient, updates: Update[], now: Date): Promise<void> {
  const col = <T>(pick: (u: Update) => T) => updates.map(pick);
  await tx.$executeRaw`
    UPDATE haproxy_servers AS s SET
      address = v.address, status = v.status, weight = v.weight,
      current_sessions = v.current_sessions, max_sessions = v.max_sessions, removed_at = NULL,
      last_status_change = CASE WHEN v.status_changed THEN ${now} ELSE s.last_status_change END,
      updated_at = ${now}
    FROM unnest(
      ${col((u) => u.id)}::int[], ${col((u) => u.live.address)}::text[], ${col((u) => u.live.status)}::text[],
      ${col((u) => u.live.weight)}::int[], ${col((u) => u.live.currentSessions)}::int[], ${col((u) => u.live.maxSessions)}::int[],
      ${col((u) => u.statusChanged)}::bool[]
    ) AS v(id, address, status, weight, current_sessions, max_sessions, status_changed)
    WHERE s.id = v.id`;
}

/**
 * A first sync of a large fleet fills these tables at once. Until autovacuum analyzes them (a
 * minute or more later) the planner takes them for nearly empty, and the pages' counts run as
 * nested loops: 2 s instead of 50 ms for 20,000 servers (tools/bench/haproxy-bench.ts).
 */
export const BULK_ROWS = 1000;
export async function analyzeAfterBulk(created: number): Promise<void> {
  if (created >= BULK_ROWS)
    await db().$executeRawUnsafe("ANALYZE haproxy_backends, haproxy_servers, haproxy_server_status_history");
}

/** Sync status of an instance, written outside the data transaction so a failed sync records its reason. */
export async function recordSyncResult(instanceId: number, at: Date, error: string | null): Promise<void> {
  // Every sync moves the time (or the error) the HAProxy pages show: one notice per instance and
  // sync, in its transaction, whether or not any server changed (docs/architecture.md, "Change feed").
  await db().$transaction([
    db().hAProxyInstance.update({
      where: { id: instanceId },
      data: { lastSyncAt: at, lastSyncSuccess: error === null, lastSyncError: error },
    }),
    announcement("haproxy"),
  ]);
}

/**
 * One server's state as read back after a command, with its history row when the status moved,
 * announced in its transaction unless the caller announces a batch of them (a bulk action).
 */
export async function storeServerState(
  serverId: number,
  previousStatus: string | null,
  live: LiveServer,
  now: Date,
  { announce }: { announce: boolean },
): Promise<void> {
  const moved = previousStatus !== live.status;
  await db().$transaction([
    db().hAProxyServer.update({
      where: { id: serverId },
      data: { ...liveFields(live), ...(moved ? { lastStatusChange: now } : {}) },
    }),
    ...(moved && live.status
      ? [
          db().hAProxyServerStatusHistory.create({
            data: { haproxyServerId: serverId, oldStatus: previousStatus, newStatus: live.status, changedAt: now },
          }),
        ]
      : []),
    ...(announce ? [announcement("haproxy")] : []),
  ]);
}
