// What each channel type needs (docs/alerts.md, "Channels"), split into settings, which admins
// and viewers see, and secrets, which are write-only: stored, used by the sender, never returned
// (db() omits the column) and starred in every error text (redactSecrets).
import { z } from "zod";
import type { ChannelType } from "../generated/prisma/enums";
import { redactUrlCredentials } from "../security/redact-url";

const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
  .max(2048, "must be at most 2048 characters");
const secret = (what: string) => z.string().min(1, `${what} is empty`).max(4096, `${what} is too long`);
/** Header names a channel may not set: the transport's own, and the signature AC computes. */
const reservedHeaders = new Set(["content-type", "content-length", "host", "x-ac-signature", "x-ac-delivery"]);
const headerName = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
const headerValue = z
  .string()
  .max(1024)
  .regex(/^[\t\x20-\x7e]*$/, "must be printable ASCII on one line");
const email = z.email({ error: "must be an e-mail address" }).max(254);

export const channelSettings = {
  webhook: z.object({ url: httpUrl }).strict(),
  slack: z.object({}).strict(),
  telegram: z
    .object({
      baseUrl: httpUrl.default("https://api.telegram.org"),
      chatId: z.string().regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/, "must be a chat id or @channelname"),
    })
    .strict(),
  email: z
    .object({
      host: z.string().regex(/^[A-Za-z0-9.-]{1,253}$|^\[[0-9a-fA-F:.]{2,45}\]$/, "must be a host name or address"),
      port: z.number().int().min(1).max(65535),
      /** tls: TLS from the first byte (465); starttls: plain, then STARTTLS, required (587); none: no encryption. */
      security: z.enum(["starttls", "tls", "none"]),
      from: email,
      to: z.array(email).min(1, "give at least one recipient").max(20),
      username: z.string().max(256).optional(),
      /** A CA certificate (PEM) to trust besides the system's, for a server with a private CA. */
      caPem: z.string().max(16_384).startsWith("-----BEGIN CERTIFICATE-----").optional(),
    })
    .strict(),
} satisfies Record<ChannelType, z.ZodType>;

export const channelSecrets = {
  webhook: z
    .object({
      hmacSecret: secret("the HMAC secret").optional(),
      headers: z
        .record(z.string(), headerValue)
        .superRefine((headers, ctx) => {
          const names = Object.keys(headers);
          if (names.length > 20) ctx.addIssue({ code: "custom", message: "at most 20 headers" });
          for (const name of names) {
            if (!headerName.test(name))
              ctx.addIssue({ code: "custom", message: `${name.slice(0, 64)} is not an HTTP header name` });
            else if (reservedHeaders.has(name.toLowerCase()))
              ctx.addIssue({ code: "custom", message: `${name} is set by AC itself` });
          }
        })
        .optional(),
    })
    .strict(),
  slack: z.object({ url: httpUrl.optional() }).strict(),
  telegram: z
    .object({
      botToken: z
        .string()
        .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, "must be a bot token (123456:ABC…)")
        .optional(),
    })
    .strict(),
  email: z.object({ password: secret("the password").max(1024).optional() }).strict(),
} satisfies Record<ChannelType, z.ZodType>;

/** Secrets a channel cannot work without: checked after merging an update with what is stored. */
export const requiredSecrets: Record<ChannelType, string[]> = {
  webhook: [],
  slack: ["url"],
  telegram: ["botToken"],
  email: [],
};

export type WebhookSettings = z.output<typeof channelSettings.webhook>;
export type WebhookSecrets = z.output<typeof channelSecrets.webhook>;
export type TelegramSettings = z.output<typeof channelSettings.telegram>;
export type EmailSettings = z.output<typeof channelSettings.email>;

/** Every secret string of a channel (header values included), for redaction. */
export function secretStrings(secrets: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string" && v.length >= 4) out.push(v);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(secrets);
  return out;
}

/** Replaces each secret (and URL credentials) in a text that may reach a log, the database or a page. */
export function redactSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("***");
  return redactUrlCredentials(out);
}
