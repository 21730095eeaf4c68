// Notification channels as admins edit them (docs/alerts.md, "Channels"). Secrets are write-only:
// an update that leaves a secret out keeps the stored one, and reads return only which secrets
// are set (and the names of custom headers), never their values.
import { z } from "zod";
import { db, Prisma } from "../db";
import { uniqueViolation } from "../db-errors";
import { AppError, notFound } from "../errors";
import { AlertRuleKind, AlertSeverity, ChannelType } from "../generated/prisma/enums";
import { redactUrlCredentials } from "../security/redact-url";
import { channelSecrets, channelSettings, requiredSecrets } from "./channel-config";
import { kickDeliveries } from "./delivery";
import { testMessagePayload } from "./message";

const scope = z.string().regex(/^(all|catalog:\d+|group:\d+|server:\d+|haproxy_instance:\d+|haproxy_backend:\d+)$/, {
  error: "must be all or kind:id, e.g. group:3",
});

export const channelInput = z.object({
  name: z.string().trim().min(1, "give the channel a name").max(120),
  type: z.enum(ChannelType),
  settings: z.record(z.string(), z.unknown()).default({}),
  /** Write-only; on update, a secret left out keeps its stored value. */
  secrets: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
  routeRuleIds: z.array(z.number().int().positive()).max(100).default([]),
  routeKinds: z.array(z.enum(AlertRuleKind)).max(20).default([]),
  routeScopes: z.array(scope).max(100).default([]),
  minSeverity: z.enum(AlertSeverity).default("info"),
  /** Seconds; 0 = never repeat. */
  repeatIntervalSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86400)
    .default(14400),
  sendResolved: z.boolean().default(true),
});
export type ChannelInput = z.output<typeof channelInput>;

const channelSelect = {
  id: true,
  name: true,
  type: true,
  settings: true,
  enabled: true,
  routeRuleIds: true,
  routeKinds: true,
  routeScopes: true,
  minSeverity: true,
  repeatIntervalSeconds: true,
  sendResolved: true,
  updatedAt: true,
} satisfies Prisma.NotificationChannelSelect;

/**
 * A webhook URL as a reader without alerts.manage sees it: its origin. Receivers often carry
 * their token in the path or query (Teams, Discord, Google Chat), and viewers must not send to
 * them (docs/alerts.md, the table of who may do what).
 */
function urlForReader(url: unknown): unknown {
  if (typeof url !== "string") return url;
  try {
    const parsed = new URL(url);
    return parsed.pathname === "/" && !parsed.search ? parsed.origin : `${parsed.origin}/…`;
  } catch {
    return "…";
  }
}

/** What a reader sees: settings with URL credentials starred (`fullUrls` false: webhook URLs as their origin), and which secrets are set. */
export async function listChannels(fullUrls: boolean) {
  const rows = await db().notificationChannel.findMany({
    select: { ...channelSelect, secrets: true },
    orderBy: { name: "asc" },
  });
  return rows.map(({ secrets, settings, ...row }) => {
    const stored = (secrets ?? {}) as Record<string, unknown>;
    const shown = JSON.parse(redactUrlCredentials(JSON.stringify(settings))) as Record<string, unknown>;
    if (!fullUrls && row.type === "webhook") shown.url = urlForReader(shown.url);
    return {
      ...row,
      settings: shown,
      secretsSet: Object.keys(stored)
        .filter((k) => stored[k] !== undefined && stored[k] !== null)
        .sort(),
      headerNames: Object.keys((stored.headers ?? {}) as object),
    };
  });
}
export type ChannelItem = Awaited<ReturnType<typeof listChannels>>[number];

function parseConfig(input: ChannelInput, storedSecrets: Record<string, unknown>) {
  const settings = channelSettings[input.type].safeParse(input.settings);
  if (!settings.success) throw new AppError("BAD_REQUEST", `settings: ${z.prettifyError(settings.error)}`);
  const secrets = channelSecrets[input.type].safeParse({ ...storedSecrets, ...input.secrets });
  if (!secrets.success) throw new AppError("BAD_REQUEST", `secrets: ${z.prettifyError(secrets.error)}`);
  const merged = secrets.data as Record<string, unknown>;
  const missing = requiredSecrets[input.type].filter((k) => merged[k] === undefined);
  if (missing.length) throw new AppError("BAD_REQUEST", `secrets: ${missing.join(", ")} must be set`);
  return { settings: settings.data as Prisma.InputJsonObject, secrets: merged as Prisma.InputJsonObject };
}

const nameTaken = (name: string) => new AppError("CONFLICT", `A channel named ${name} exists already`);

export async function createChannel(input: ChannelInput) {
  const { secrets, settings } = parseConfig(input, {});
  try {
    const row = await db().notificationChannel.create({ data: { ...input, settings, secrets }, select: { id: true } });
    return { id: row.id };
  } catch (error) {
    if (uniqueViolation(error) !== null) throw nameTaken(input.name);
    throw error;
  }
}

export async function updateChannel(id: number, input: ChannelInput) {
  const stored = await db().notificationChannel.findUnique({ where: { id }, select: { type: true, secrets: true } });
  if (!stored) throw notFound("Channel");
  // Secrets of another type mean nothing to this one: a type change starts from none.
  const keep = stored.type === input.type ? ((stored.secrets ?? {}) as Record<string, unknown>) : {};
  const { secrets, settings } = parseConfig(input, keep);
  try {
    await db().notificationChannel.update({ where: { id }, data: { ...input, settings, secrets } });
  } catch (error) {
    if (uniqueViolation(error) !== null) throw nameTaken(input.name);
    throw error;
  }
  if (input.enabled) await kickDeliveries([id]); // messages that waited while it was off
  return { id };
}

export async function deleteChannel(id: number) {
  const { count } = await db().notificationChannel.deleteMany({ where: { id } });
  if (count === 0) throw notFound("Channel");
  return { id };
}

/** Queues a test message like any other: it waits its turn and shows in the delivery log. */
export async function sendTestMessage(id: number) {
  const channel = await db().notificationChannel.findUnique({ where: { id }, select: { id: true, enabled: true } });
  if (!channel) throw notFound("Channel");
  if (!channel.enabled) throw new AppError("PRECONDITION_FAILED", "The channel is disabled; enable it to send");
  const now = new Date();
  const delivery = await db().notificationDelivery.create({
    data: { channelId: id, kind: "test", payload: testMessagePayload(now.toISOString()), createdAt: now },
    select: { id: true },
  });
  await kickDeliveries([id]);
  return { deliveryId: delivery.id };
}

export const deliveryListInput = z.object({
  channelId: z.number().int().positive(),
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(25),
});

/** A channel's messages, newest first, each with its attempts (bounded: the last 10). */
export async function listDeliveries(input: z.output<typeof deliveryListInput>) {
  const where = { channelId: input.channelId };
  const [items, total] = await Promise.all([
    db().notificationDelivery.findMany({
      where,
      orderBy: { id: "desc" },
      skip: (input.page - 1) * input.pageSize,
      take: input.pageSize,
      select: {
        id: true,
        kind: true,
        status: true,
        attempts: true,
        lastError: true,
        createdAt: true,
        deliveredAt: true,
        nextAttemptAt: true,
        payload: true,
        attemptLog: {
          orderBy: { id: "desc" },
          take: 10,
          select: { id: true, at: true, ok: true, code: true, error: true, durationMs: true },
        },
      },
    }),
    db().notificationDelivery.count({ where }),
  ]);
  return {
    items: items.map(({ payload, ...d }) => {
      const p = payload as { firing?: number; resolved?: number };
      return { ...d, firing: p.firing ?? 0, resolved: p.resolved ?? 0 };
    }),
    total,
    page: input.page,
    pageSize: input.pageSize,
    pageCount: Math.max(1, Math.ceil(total / input.pageSize)),
  };
}
export type DeliveryItem = Awaited<ReturnType<typeof listDeliveries>>["items"][number];
