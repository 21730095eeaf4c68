// Polls one server: ping → apps → reconcile → write (docs/architecture.md, "The poll path, in one walk").
// One server's failure is recorded on that server and never thrown to the caller, so a cycle
// goes on with the others. A server is never polled twice at once in this process.
import { createHash } from "node:crypto";
import {
  AGENT_ERROR_KINDS,
  AgentError,
  clientOptionsFromConfig,
  decodeAppsReply,
  fetchAppsRaw,
  pingAgent,
  type AgentClientOptions,
} from "../agent/client";
import { config } from "../config";
import { logUnexpectedError } from "../error-report";
import { oneLine } from "../security/log-text";
import type { PendingFailure } from "./poll-batch-sql";
import { touchUnchangedServers, writeStoreFailure } from "./poll-store-sql";
import { writeAlone, type PollWriter } from "./poll-writer";
import { errorMessage } from "../../lib/errors";
import { loadStatusMap, type StatusMap } from "./status-map";

export type PollTarget = {
  id: number;
  name: string;
  ip: string;
  port: number;
  status: string;
  agentToken: string | null;
  appsFingerprint: string | null;
};

export type PollOutcome = {
  serverId: number;
  server: string;
  status: "online" | "offline";
  /** unchanged: same reply as last time, nothing written but last_check. */
  result: "updated" | "unchanged" | "offline" | "apps_failed";
  error: string | null;
  /** Why the poll failed, for ac_poll_failures (docs/metrics.md); null when it did not. */
  errorKind: PollErrorKind | null;
  skippedApps: string[];
  counts: { created: number; updated: number; vanished: number; versionChanges: number; events: number };
};

export const pollTargetSelect = {
  id: true,
  name: true,
  ip: true,
  port: true,
  status: true,
  agentToken: true,
  appsFingerprint: true,
} as const;

/** An agent's failure kind, or AC's own: the status map or the reply could not be read or stored. */
export const POLL_ERROR_KINDS = [...AGENT_ERROR_KINDS, "status_map", "store_failed", "other"] as const;
export type PollErrorKind = (typeof POLL_ERROR_KINDS)[number];
const kindOf = (error: unknown): PollErrorKind => (error instanceof AgentError ? error.kind : "other");

const noCounts = { created: 0, updated: 0, vanished: 0, versionChanges: 0, events: 0 };

export type PollOptions = {
  agent?: AgentClientOptions;
  /** A cycle collects unchanged servers and touches them in one statement; alone, touch at once. */
  deferTouch?: (check: { id: number; at: Date; fingerprint: string }) => void;
  /** A cycle loads the status map once for all its servers; alone, the poll loads it. */
  statusMap?: StatusMap;
  /** A cycle writes the replies and failures of many servers together (poll-writer.ts); alone, a batch of one. */
  writer?: PollWriter;
};

const inFlight = ((globalThis as { acPollsInFlight?: Map<number, Promise<PollOutcome>> }).acPollsInFlight ??=
  new Map());

/** Polls the server, or joins the poll of it already running. */
export function pollServer(target: PollTarget, options: PollOptions = {}): Promise<PollOutcome> {
  const running = inFlight.get(target.id);
  if (running) return running;
  const poll = pollServerNow(target, options).finally(() => inFlight.delete(target.id));
  inFlight.set(target.id, poll);
  return poll;
}

async function pollServerNow(target: PollTarget, options: PollOptions): Promise<PollOutcome> {
  const agent = options.agent ?? clientOptionsFromConfig(config());
  const writer = options.writer ?? writeAlone;
  const base = {
    serverId: target.id,
    server: target.name,
    skippedApps: [] as string[],
    counts: noCounts,
    errorKind: null as PollErrorKind | null,
  };
  try {
    await pingAgent(target, agent);
  } catch (error) {
    await recordFailure(writer, target, "offline", errorMessage(error), new Date());
    return { ...base, status: "offline", result: "offline", error: errorMessage(error), errorKind: kindOf(error) };
  }

  let body: Buffer;
  try {
    body = await fetchAppsRaw(target, agent);
  } catch (error) {
    await recordFailure(writer, target, "apps_failed", errorMessage(error), new Date());
    return { ...base, status: "online", result: "apps_failed", error: errorMessage(error), errorKind: kindOf(error) };
  }
  const checkedAt = new Date();
  let statusMap: StatusMap;
  try {
    statusMap = options.statusMap ?? (await loadStatusMap());
  } catch (error) {
    const reason = `could not read the status map: ${errorMessage(error)}`;
    console.error(`[ac] poll ${target.name}: ${reason}`);
    return { ...base, status: "online", result: "apps_failed", error: reason, errorKind: "status_map" };
  }
  // The map's version is part of the fingerprint: after an admin's change the same reply is applied again.
  const fingerprint = createHash("sha1").update(body).update(statusMap.version).digest("hex");
  if (fingerprint === target.appsFingerprint && target.status === "online") {
    const check = { id: target.id, at: checkedAt, fingerprint };
    if (options.deferTouch) options.deferTouch(check);
    else if ((await touchUnchangedServers([check])).length > 0) {
      return pollServerNow({ ...target, appsFingerprint: null }, options); // state moved meanwhile: full pass
    }
    return { ...base, status: "online", result: "unchanged", error: null };
  }
  try {
    return await applyReply(target, body, { fingerprint, checkedAt, statusMap, writer });
  } catch (error) {
    // A database failure while storing: the transaction rolled back; say so on the server, whose
    // error every viewer reads, with an id only (the database's message is in the log).
    const reason = `could not store the agent's reply (error id ${logUnexpectedError(`poll ${target.name}`, error)}; the details are in AC's log)`;
    await writeStoreFailure(target.id, reason, new Date()).catch((e) =>
      console.error(`[ac] poll ${target.name}: could not record that either: ${errorMessage(e)}`),
    );
    return { ...base, status: "online", result: "apps_failed", error: reason, errorKind: "store_failed" };
  }
}

async function applyReply(
  target: PollTarget,
  body: Buffer,
  context: { fingerprint: string; checkedAt: Date; statusMap: StatusMap; writer: PollWriter },
): Promise<PollOutcome> {
  const base = { serverId: target.id, server: target.name, status: "online" as const };
  let decoded;
  try {
    decoded = decodeAppsReply(body, target);
  } catch (error) {
    await recordFailure(context.writer, target, "apps_failed", errorMessage(error), context.checkedAt);
    return {
      ...base,
      result: "apps_failed",
      error: errorMessage(error),
      errorKind: kindOf(error),
      skippedApps: [],
      counts: noCounts,
    };
  }
  // A bad entry says nothing about its instance: it must not be taken for a vanished one.
  const unreadable = decoded.rejected.flatMap((r) => (r.name ? [{ appType: r.kind, instanceName: r.name }] : []));
  const skippedApps = decoded.rejected.map((r) => r.reason);
  const lastError = skippedApps.length
    ? `${skippedApps.length} app entr${skippedApps.length === 1 ? "y" : "ies"} skipped: ${skippedApps.slice(0, 3).join("; ")}${skippedApps.length > 3 ? "; …" : ""}`
    : null;
  if (lastError) console.warn(`[ac] poll ${target.name}: ${oneLine(lastError)}`);
  const plan = await context.writer.reply({
    serverId: target.id,
    name: target.name,
    apps: decoded.apps,
    unreadable,
    normalize: context.statusMap.normalize,
    fingerprint: context.fingerprint,
    lastError,
    coercions: decoded.coercions,
    checkedAt: context.checkedAt,
  });
  return {
    ...base,
    result: "updated",
    error: lastError,
    errorKind: null,
    skippedApps,
    counts: {
      created: plan.creates.length,
      updated: plan.updates.length,
      vanished: plan.vanished.length,
      versionChanges: plan.history.length,
      events: plan.events.length,
    },
  };
}

/**
 * A failed poll, written with the cycle's other writes. If even that cannot be stored (the
 * database unreachable), the poll's outcome still says why it failed; the log has the rest.
 */
async function recordFailure(
  writer: PollWriter,
  target: PollTarget,
  failure: PendingFailure["failure"],
  reason: string,
  checkedAt: Date,
): Promise<void> {
  await writer
    .failure({ serverId: target.id, name: target.name, failure, reason, checkedAt })
    .catch((error: unknown) => logUnexpectedError(`poll ${target.name}: recording that it failed`, error));
}
