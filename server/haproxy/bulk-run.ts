// Runs a stored bulk action in this process: every pending item through the single-command path
// (commands.ts: breaker, read-back, an audit row each), at most bulkConcurrency at once
// per HAProxy instance, so one slow load balancer neither floods nor holds up the others. Each
// item's outcome is written as it lands (recordItemOutcome), which is what the page polls. Open
// pages hear of it on the change feed per action, not per item (docs/architecture.md, "Change feed").
import pLimit, { type LimitFunction } from "p-limit";
import { AgentError } from "../agent/client";
import { db } from "../db";
import { messageForUsers } from "../error-report";
import { announceCommitted, announcement } from "../live/feed";
import { isOutOfPool } from "../../lib/haproxy-status";
import { CircuitOpenError } from "./breaker";
import { runServerCommand } from "./commands";
import { instanceTargetSelect, readServers } from "./live";
import { haproxyOptions } from "./settings";

/** A running action touches heartbeatAt this often; bulk-status.ts calls it lost after HEARTBEAT_STALE_MS. */
export const HEARTBEAT_MS = 10_000;
export const HEARTBEAT_STALE_MS = 60_000;
/** A running action announces the items landed since its last notice at most this often, and once more at its end. */
export const PROGRESS_NOTICE_MS = 2_000;

type RunningAction = { id: number; kind: string; command: "drain" | "ready" | "maint"; actor: string };
type Item = { id: number; haproxyServerId: number; haproxyInstanceId: number; target: string };
export type ItemOutcome = {
  result: "success" | "failed" | "skipped";
  /** The server's state read back after the command (or, skipped, the state that made it skip). */
  status: string | null;
  error: string | null;
};

const registry = ((globalThis as { acBulkRuns?: Map<number, Promise<void>> }).acBulkRuns ??= new Map());

export function launchBulk(id: number): void {
  const done = runBulk(id)
    .catch((error: unknown) => {
      // Items record their own failures; this is the database failing under the run.
      console.error(`[ac] bulk action ${id}: ${messageForUsers(`bulk action ${id}`, error, false)}`);
    })
    .finally(() => registry.delete(id));
  registry.set(id, done);
}

/** Resolves when the action, if it runs in this process, has finished (tests, shutdown). */
export const bulkFinished = async (id: number) => void (await registry.get(id));
export const bulkRunningHere = (id: number) => registry.has(id);

async function runBulk(id: number): Promise<void> {
  const action = await db().hAProxyBulkAction.findUniqueOrThrow({
    where: { id },
    select: { id: true, kind: true, command: true, actor: true },
  });
  const items = await db().hAProxyBulkItem.findMany({
    where: { bulkActionId: id, result: "pending" },
    select: { id: true, haproxyServerId: true, haproxyInstanceId: true, target: true },
    orderBy: { id: "asc" },
  });
  const limits = new Map<number, LimitFunction>();
  const limitOf = (instanceId: number) => {
    if (!limits.has(instanceId)) limits.set(instanceId, pLimit(haproxyOptions().bulkConcurrency));
    return limits.get(instanceId)!;
  };
  const before = action.kind === "host" ? await statusBeforeReader(items) : null;
  const beat = setInterval(() => {
    void db()
      .hAProxyBulkAction.update({ where: { id }, data: { heartbeatAt: new Date() } })
      .catch(() => undefined);
  }, HEARTBEAT_MS);
  beat.unref();
  const progress = progressNotices();
  try {
    await Promise.all(
      items.map((item) =>
        limitOf(item.haproxyInstanceId)(async () => {
          await runItem(action, item, before);
          await progress();
        }),
      ),
    );
  } finally {
    clearInterval(beat);
  }
  await db().$transaction([
    db().hAProxyBulkAction.update({ where: { id }, data: { status: "done", finishedAt: new Date() } }),
    announcement("haproxy"),
  ]);
}

/**
 * Called after each item: a notice once PROGRESS_NOTICE_MS have passed since the previous one
 * (the action's start announced itself, bulk.ts). So a run of 2,000 items sends a notice every
 * 2 s at most, not 2,000; the clock is haproxyOptions().now, which tests move.
 */
function progressNotices(): () => Promise<void> {
  let last = haproxyOptions().now();
  return async () => {
    const now = haproxyOptions().now();
    if (now - last < PROGRESS_NOTICE_MS) return;
    last = now;
    await announceCommitted("haproxy");
  };
}

async function runItem(
  action: RunningAction,
  item: Item,
  before: ((serverId: number) => Promise<string | null>) | null,
): Promise<void> {
  let outcome: ItemOutcome;
  try {
    const previous = before ? await before(item.haproxyServerId) : null;
    if (isOutOfPool(previous)) {
      outcome = {
        result: "skipped",
        status: previous,
        error: `already ${previous} before the maintenance: left as it is, and not readied when it ends`,
      };
    } else {
      const r = await runServerCommand({
        haproxyServerId: item.haproxyServerId,
        command: action.command,
        actor: action.actor,
        announce: false, // progressNotices announces the items together
      });
      outcome = { result: r.ok ? "success" : "failed", status: r.status, error: r.error };
    }
  } catch (error) {
    outcome = { result: "failed", status: null, error: messageForUsers(`bulk item ${item.target}`, error, false) };
  }
  await recordItemOutcome(action, item, outcome);
}

/**
 * The one place an item's outcome lands: its row (the page polls it). The per-item audit row
 * (issue 13) belongs here too; `_action` names the bulk action, its actor and command for it.
 */
export async function recordItemOutcome(_action: RunningAction, item: Item, outcome: ItemOutcome): Promise<void> {
  await db().hAProxyBulkItem.update({
    where: { id: item.id },
    data: { result: outcome.result, status: outcome.status, error: outcome.error, finishedAt: new Date() },
  });
}

/**
 * Host maintenance decides on the state HAProxy reports now, not on the last sync: one fresh read
 * per backend, shared by its items, before any command of this run. When the agent cannot be
 * read, the stored state decides (the command then fails, and says why).
 */
async function statusBeforeReader(items: Item[]) {
  const servers = await db().hAProxyServer.findMany({
    where: { id: { in: items.map((i) => i.haproxyServerId) } },
    select: {
      id: true,
      serverName: true,
      status: true,
      backendId: true,
      backend: { select: { backendName: true, instance: { select: instanceTargetSelect } } },
    },
  });
  const byId = new Map(servers.map((s) => [s.id, s]));
  const reads = new Map<number, Promise<Map<string, string | null> | null>>();
  return async (serverId: number): Promise<string | null> => {
    const s = byId.get(serverId);
    if (!s) return null;
    if (!reads.has(s.backendId))
      reads.set(
        s.backendId,
        readServers(s.backend.instance, s.backend.backendName, { fresh: true }).then(
          (list) => new Map(list.map((l) => [l.name, l.status])),
          (error: unknown) => {
            if (!(error instanceof AgentError || error instanceof CircuitOpenError)) throw error;
            return null;
          },
        ),
      );
    const live = await reads.get(s.backendId)!;
    return live ? (live.get(s.serverName) ?? null) : s.status;
  };
}
