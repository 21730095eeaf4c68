// The replies and failed polls of many servers written in one transaction (docs/performance.md,
// "Batched writes"): their rows locked in id order, the replying servers' stored instances read in
// one statement, each reply reconciled against its own server's rows, then one statement per kind
// of write for all of them. A reply that cannot be planned fails alone; a statement PostgreSQL
// refuses fails the whole transaction, and poll-writer.ts retries the batch in halves so only the
// bad server is left out.
import type { Coercions, ParsedApp } from "../agent/contract";
import type { PgTx as Tx } from "../db";
import type { AppType } from "../generated/prisma/enums";
import {
  insertEvents,
  insertInstances,
  markVanished,
  prepared,
  readStoredInstances,
  updateInstances,
} from "./bulk-writes-sql";
import { connectEvent, failureEvent, markNoData } from "./poll-store-sql";
import { reconcile, type GroupLink, type Reconciliation } from "./reconcile";
import type { StatusMap } from "./status-map";
import { insertVersionHistory, lockServers, pollingSource } from "./version-change-sql";

/** A server's decoded reply, waiting to be written. */
export type PendingReply = {
  serverId: number;
  name: string;
  apps: ParsedApp[];
  /** Entries the contract rejected: their stored instances are left as they are (not "vanished"). */
  unreadable: { appType: AppType; instanceName: string }[];
  normalize: StatusMap["normalize"];
  fingerprint: string;
  lastError: string | null;
  /** The reply's values sent in a tolerated form, per field (docs/agent-contract.md). */
  coercions: Coercions;
  /** When the reply arrived: the server's last_check and every row's time. */
  checkedAt: Date;
};

/** A failed poll, waiting to be written (docs/inventory.md: what an offline server or a broken reply leaves). */
export type PendingFailure = {
  serverId: number;
  name: string;
  /** offline: the agent did not answer; apps_failed: it answered ping, but its apps reply was unusable. */
  failure: "offline" | "apps_failed";
  reason: string;
  checkedAt: Date;
};

export type PendingWrite = PendingReply | PendingFailure;
export const isFailure = (write: PendingWrite): write is PendingFailure => "failure" in write;

/**
 * Each server's plan as written (null for a failed poll, recorded), or why its write could not be
 * planned (nothing of it was written).
 */
export type BatchResult = Map<number, Reconciliation | null | Error>;

/** The batch's work inside its transaction; throws when PostgreSQL refuses a statement (the caller halves). */
export async function writeReplies(tx: Tx, writes: PendingWrite[], groups: ReadonlyMap<string, GroupLink>) {
  const previous = await lockServers(
    tx,
    writes.map((w) => w.serverId),
  );
  // Only replies are compared with what is stored; a failed poll leaves the instances' fields alone.
  const replying = writes.flatMap((w) => (!isFailure(w) && previous.has(w.serverId) ? [w.serverId] : []));
  const stored = replying.length > 0 ? await readStoredInstances(tx, replying) : new Map<number, never[]>();
  const results: BatchResult = new Map();
  const write = {
    creates: [] as Parameters<typeof insertInstances>[1],
    updates: [] as Reconciliation["updates"],
    vanished: [] as Parameters<typeof markVanished>[1],
    history: [] as Parameters<typeof insertVersionHistory>[1],
    events: [] as Parameters<typeof insertEvents>[1],
    servers: [] as ServerState[],
    noData: [] as Parameters<typeof markNoData>[1],
  };
  for (const pending of writes) {
    const { serverId, checkedAt: at } = pending;
    const status = previous.get(serverId);
    if (status === undefined) {
      results.set(serverId, new Error(`server ${serverId} was deleted while its result was being written`));
      continue;
    }
    if (isFailure(pending)) {
      results.set(serverId, null);
      if (pending.failure === "offline") write.noData.push({ serverId, at });
      const event = failureEvent(pending, status);
      if (event) write.events.push(event);
      write.servers.push(failedState(pending));
      continue;
    }
    let plan: Reconciliation;
    try {
      plan = reconcile(stored.get(serverId)!, pending.apps, groups, at, pending.unreadable, pending.normalize);
    } catch (error) {
      results.set(serverId, error instanceof Error ? error : new Error(String(error)));
      continue;
    }
    results.set(serverId, plan);
    if (plan.creates.length > 0) write.creates.push({ serverId, rows: plan.creates });
    write.updates.push(...plan.updates);
    for (const id of plan.vanished) write.vanished.push({ id, at });
    for (const row of plan.history) write.history.push({ ...row, serverName: pending.name, changedAt: at });
    for (const event of plan.events) write.events.push({ ...event, serverId, timestamp: at });
    if (status !== "online") write.events.push(connectEvent(serverId, pending.name, at));
    write.servers.push(serverState(pending));
  }
  await insertInstances(tx, write.creates);
  // Instance rows in id order too: another transaction updating several of them (an admin's bulk
  // edit) then meets them in the same order, not in a cycle.
  const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
  await updateInstances(tx, write.updates.sort(byId));
  await markVanished(tx, write.vanished.sort(byId));
  await markNoData(tx, write.noData);
  await insertVersionHistory(tx, write.history, pollingSource);
  await insertEvents(tx, write.events);
  await setServerStates(tx, write.servers);
  return results;
}

type ServerState = {
  id: number;
  status: "online" | "offline";
  at: Date;
  lastError: string | null;
  fingerprint: string | null;
  coercions: Coercions | null;
  /** A failed poll keeps the coercions of the last reply applied. */
  failed: boolean;
};

const serverState = (reply: PendingReply): ServerState => ({
  id: reply.serverId,
  status: "online",
  at: reply.checkedAt,
  lastError: reply.lastError,
  fingerprint: reply.fingerprint,
  coercions: Object.keys(reply.coercions).length ? reply.coercions : null,
  failed: false,
});

// No fingerprint: the next reply is compared in full.
const failedState = (failure: PendingFailure): ServerState => ({
  id: failure.serverId,
  status: failure.failure === "offline" ? "offline" : "online",
  at: failure.checkedAt,
  lastError: failure.reason,
  fingerprint: null,
  coercions: null,
  failed: true,
});

/** Every applied reply leaves its server online, checked, with its fingerprint and coercions; a failed poll, why. */
async function setServerStates(tx: Tx, rows: ServerState[]) {
  if (rows.length === 0) return;
  await tx.query(
    prepared(
      `UPDATE servers AS s SET status = v.status::"ServerStatus", last_check = v.at, last_error = v."lastError",
         apps_fingerprint = v.fingerprint, updated_at = v.at,
         agent_coercions = CASE WHEN v.failed THEN s.agent_coercions ELSE v.coercions END
       FROM json_to_recordset($1::json)
         AS v(id integer, status text, at timestamp(3), "lastError" text, fingerprint text, coercions jsonb, failed boolean)
       WHERE s.id = v.id`,
      [JSON.stringify(rows)],
    ),
  );
}
