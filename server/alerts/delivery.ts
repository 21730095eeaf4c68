// Durable delivery (docs/alerts.md, "Delivery"). Messages wait in notification_deliveries, in id
// order per channel; pg-boss (the process's one instance, server/jobs/boss.ts) carries the
// wake-ups: a job "drain channel N", at most one waiting per channel (queue policy "short",
// singletonKey = channel). A drain holds a PostgreSQL advisory lock on the channel, so with any
// number of replicas one sender works a channel at a time, and sends the oldest waiting message
// first; a failure stops the drain and schedules the next one with a capped exponential backoff, so
// nothing behind it overtakes it (a resolve never arrives before its firing). Each attempt is logged.
import { errorMessage } from "../../lib/errors";
import { config } from "../config";
import { db, dbPool } from "../db";
import { boss } from "../jobs/boss";
import { redactSecrets, secretStrings } from "./channel-config";
import { sendToChannel } from "./channels/send";
import type { MessagePayload } from "./message";

export const DELIVERY_QUEUE = "alert-delivery";
/** First key of the two-int advisory lock per channel ("ACdc"); the second is the channel id. */
const DRAIN_LOCK = 0x4143_6463;
/** Longest wait between two attempts, however many failed. */
const MAX_BACKOFF_SECONDS = 300;
/** Messages one drain sends before it hands over to a fresh job (other channels get a worker too). */
const MAX_PER_DRAIN = 100;

const globalForQueue = globalThis as unknown as { acDeliveryQueue?: Promise<void> };

async function deliveryQueue() {
  const instance = await boss();
  globalForQueue.acDeliveryQueue ??= instance
    .createQueue(DELIVERY_QUEUE, {
      name: DELIVERY_QUEUE,
      policy: "short",
      retryLimit: 5, // a drain that crashed or expired is run again; receiver failures reschedule instead
      retryDelay: 30,
      expireInSeconds: 15 * 60,
    })
    .catch((error: unknown) => {
      delete globalForQueue.acDeliveryQueue; // try again on the next use
      throw error;
    });
  await globalForQueue.acDeliveryQueue;
  return instance;
}

/** Wakes the channels' drains (a channel that already has one waiting keeps it). */
export async function kickDeliveries(channelIds: number[], startAfterSeconds = 0): Promise<void> {
  if (channelIds.length === 0) return;
  try {
    const queue = await deliveryQueue();
    for (const channelId of channelIds) {
      await queue.send(
        DELIVERY_QUEUE,
        { channelId },
        { singletonKey: String(channelId), startAfter: startAfterSeconds },
      );
    }
  } catch (error) {
    // The messages are stored; the next evaluation's sweep wakes the channel again.
    console.error(`[ac] alert delivery: could not queue a drain: ${errorMessage(error)}`);
  }
}

/** Channels with messages due: the evaluation's sweep kicks them, in case a wake-up was lost. */
export async function queuedChannels(now = new Date()): Promise<number[]> {
  const rows = await db().notificationDelivery.findMany({
    where: { status: "queued", OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: now } }] },
    distinct: ["channelId"],
    select: { channelId: true },
  });
  return rows.map((r) => r.channelId);
}

export type DrainResult = { sent: number; expired: number; failed: boolean; busy: boolean };

/** Sends the channel's waiting messages in order until one fails; one drain per channel at a time, across replicas. */
export async function drainChannel(channelId: number): Promise<DrainResult> {
  const client = await dbPool().connect();
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS locked", [
      DRAIN_LOCK,
      channelId,
    ]);
    if (!rows[0]?.locked) {
      // Another drain works this channel; look again shortly for what it may have missed.
      await kickDeliveries([channelId], 5);
      return { sent: 0, expired: 0, failed: false, busy: true };
    }
    try {
      return await drainLocked(channelId);
    } finally {
      await client
        .query("SELECT pg_advisory_unlock($1, $2)", [DRAIN_LOCK, channelId])
        .catch((e: Error) => (broken = e));
    }
  } finally {
    client.release(broken);
  }
}

async function drainLocked(channelId: number): Promise<DrainResult> {
  const channel = await db().notificationChannel.findUnique({
    where: { id: channelId },
    select: { type: true, settings: true, secrets: true, enabled: true },
  });
  const result: DrainResult = { sent: 0, expired: 0, failed: false, busy: false };
  if (!channel?.enabled) return result; // messages wait; re-enabling the channel kicks it
  const secrets = secretStrings(channel.secrets);
  const maxAgeMs = config().ALERT_DELIVERY_MAX_AGE * 3600_000;
  for (let n = 0; n < MAX_PER_DRAIN; n++) {
    const next = await db().notificationDelivery.findFirst({
      where: { channelId, status: "queued" },
      orderBy: { id: "asc" },
      select: { id: true, payload: true, attempts: true, createdAt: true, nextAttemptAt: true },
    });
    if (!next) return result;
    const started = new Date();
    if (next.nextAttemptAt && next.nextAttemptAt > started) {
      // Woken early (a new message, the sweep): the head's backoff still runs, and nothing may overtake it.
      await kickDeliveries([channelId], Math.ceil((next.nextAttemptAt.getTime() - started.getTime()) / 1000));
      return result;
    }
    if (started.getTime() - next.createdAt.getTime() > maxAgeMs) {
      await finish(next.id, channelId, started, "expired", {
        error: `given up after ${next.attempts} attempts over ${config().ALERT_DELIVERY_MAX_AGE} h`,
      });
      result.expired++;
      continue;
    }
    try {
      const { code } = await sendToChannel(channel, { deliveryId: next.id, payload: next.payload as MessagePayload });
      await finish(next.id, channelId, started, "delivered", { code });
      result.sent++;
    } catch (error) {
      const message = redactSecrets(errorMessage(error), secrets).slice(0, 500);
      const code = (error as { code?: unknown }).code;
      const backoff = Math.min(MAX_BACKOFF_SECONDS, config().ALERT_DELIVERY_RETRY_DELAY * 2 ** next.attempts);
      await finish(next.id, channelId, started, "queued", {
        error: message,
        code: typeof code === "number" ? code : null,
        nextAttemptAt: new Date(Date.now() + backoff * 1000),
      });
      console.warn(`[ac] alert delivery ${next.id} to channel ${channelId} failed (retry in ${backoff} s): ${message}`);
      await kickDeliveries([channelId], backoff);
      return { ...result, failed: true };
    }
  }
  await kickDeliveries([channelId]); // more waiting: a fresh job, so other channels' drains get their turn
  return result;
}

/** Logs the attempt and moves the message on, in one transaction. */
async function finish(
  deliveryId: number,
  channelId: number,
  started: Date,
  status: "delivered" | "queued" | "expired",
  outcome: { code?: number | null; error?: string; nextAttemptAt?: Date },
) {
  const at = new Date();
  await db().$transaction([
    db().notificationAttempt.create({
      data: {
        deliveryId,
        channelId,
        at: started,
        ok: status === "delivered",
        code: outcome.code ?? null,
        error: outcome.error ?? null,
        durationMs: at.getTime() - started.getTime(),
      },
    }),
    db().notificationDelivery.update({
      where: { id: deliveryId },
      data: {
        status,
        attempts: { increment: status === "expired" ? 0 : 1 },
        lastError: outcome.error ?? null,
        nextAttemptAt: outcome.nextAttemptAt ?? null,
        deliveredAt: status === "delivered" ? at : null,
      },
    }),
  ]);
}

/** Channels one replica drains at once: a slow receiver (up to ALERT_DELIVERY_TIMEOUT per message) holds only one. */
const WORKERS = 4;

/** Every replica with the scheduler enabled works the queue (server/jobs/scheduler.ts). */
export async function startDeliveryWorkers(): Promise<void> {
  const queue = await deliveryQueue();
  for (let i = 0; i < WORKERS; i++) {
    await queue.work<{ channelId: number }>(
      DELIVERY_QUEUE,
      { batchSize: 1, pollingIntervalSeconds: 2 },
      async ([job]) => {
        if (job && Number.isInteger(job.data.channelId)) await drainChannel(job.data.channelId);
      },
    );
  }
}
