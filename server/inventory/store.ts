// Database side of polling: read a server's instances, write a reconciliation atomically.
import { db, Prisma } from "../db";
import type { Reconciliation, StoredInstance } from "./reconcile";

export const storedInstanceSelect = {
  id: true, instanceName: true, appType: true, groupId: true, catalogId: true, instanceNumber: true,
  containerId: true, containerName: true, composeProjectDir: true, image: true, tag: true,
  eurekaUrl: true, eurekaRegistered: true, path: true, logPath: true, version: true, distrPath: true,
  ip: true, port: true, pid: true, startTime: true, status: true,
} satisfies Prisma.ApplicationInstanceSelect;

export const loadStoredInstances = (serverId: number): Promise<StoredInstance[]> =>
  db().applicationInstance.findMany({ where: { serverId }, select: storedInstanceSelect });

export type ServerResult = { name: string; fingerprint: string | null; lastError: string | null };

type Tx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];

/** Locks the server's row and returns its status as stored now (not as the cycle first read it). */
async function lockServer(tx: Tx, serverId: number) {
  const rows = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM servers WHERE id = ${serverId} FOR UPDATE`;
  if (!rows[0]) throw new Error(`server ${serverId} was deleted while it was being polled`);
  return rows[0].status;
}

const connectEvent = (serverId: number, name: string, now: Date): Prisma.EventCreateManyInput => ({
  serverId, timestamp: now, eventType: "connect", status: "online", description: `Agent of ${name} is answering`,
});

/** One transaction: the instance changes, history, events and the server's own row. */
export async function writeReconciliation(serverId: number, plan: Reconciliation, server: ServerResult, now: Date) {
  await db().$transaction(async (tx) => {
    const previous = await lockServer(tx, serverId);
    if (plan.creates.length) {
      await tx.applicationInstance.createMany({ data: plan.creates.map((row) => ({ ...row, serverId })) });
    }
    for (const { id, data } of plan.updates) await tx.applicationInstance.update({ where: { id }, data, select: { id: true } });
    if (plan.vanished.length) {
      await tx.applicationInstance.updateMany({ where: { id: { in: plan.vanished } }, data: { status: "offline", lastSeen: now } });
    }
    if (plan.history.length) {
      await tx.applicationVersionHistory.createMany({
        data: plan.history.map((row) => ({ ...row, serverName: server.name, changedAt: now, changedBy: "agent" as const, changeSource: "polling" as const })),
      });
    }
    const events: Prisma.EventCreateManyInput[] = plan.events.map((event) => ({ ...event, serverId, timestamp: now }));
    if (previous !== "online") events.push(connectEvent(serverId, server.name, now));
    if (events.length) await tx.event.createMany({ data: events });
    await tx.server.update({
      where: { id: serverId },
      data: { status: "online", lastCheck: now, lastError: server.lastError, appsFingerprint: server.fingerprint },
      select: { id: true },
    });
  });
}

/** The agent did not answer: the server is offline and nothing is known of its apps. */
export async function writeServerOffline(serverId: number, name: string, reason: string, now: Date) {
  await db().$transaction(async (tx) => {
    const previous = await lockServer(tx, serverId);
    await tx.applicationInstance.updateMany({ where: { serverId, status: { not: "no_data" } }, data: { status: "no_data" } });
    if (previous !== "offline") {
      const description = `Agent of ${name} does not answer: ${reason}`;
      await tx.event.create({ data: { serverId, timestamp: now, eventType: "disconnect", status: "offline", description } });
    }
    await tx.server.update({
      where: { id: serverId },
      data: { status: "offline", lastCheck: now, lastError: reason, appsFingerprint: null },
      select: { id: true },
    });
  });
}

/** The agent answered ping but its apps reply was unusable: keep the inventory, record why. */
export async function writeAppsFailure(serverId: number, name: string, reason: string, now: Date) {
  await db().$transaction(async (tx) => {
    if ((await lockServer(tx, serverId)) !== "online") await tx.event.create({ data: connectEvent(serverId, name, now) });
    await tx.server.update({
      where: { id: serverId },
      data: { status: "online", lastCheck: now, lastError: reason, appsFingerprint: null },
      select: { id: true },
    });
  });
}

/**
 * Servers whose reply was identical to the last applied one: only last_check moves, in one
 * statement for all. Returns the ids whose stored state moved meanwhile (another poll set it
 * offline, say): those need a full pass.
 */
export async function touchUnchangedServers(checks: { id: number; at: Date; fingerprint: string }[]): Promise<number[]> {
  if (checks.length === 0) return [];
  const ids = checks.map((c) => c.id);
  const times = checks.map((c) => c.at);
  const prints = checks.map((c) => c.fingerprint);
  const touched = await db().$queryRaw<{ id: number }[]>`
    UPDATE servers AS s SET last_check = v.at
    FROM unnest(${ids}::int[], ${times}::timestamptz[], ${prints}::text[]) AS v(id, at, fp)
    WHERE s.id = v.id AND s.apps_fingerprint = v.fp AND s.status = 'online'
    RETURNING s.id`;
  const done = new Set(touched.map((row) => row.id));
  return ids.filter((id) => !done.has(id));
}
