// Generic webhook (docs/alerts.md, "Webhook"): the message as JSON, signed with HMAC-SHA256 when
// the channel has a secret: `X-AC-Signature: sha256=<hex of "<X-AC-Timestamp>.<body>">`. The
// timestamp is signed so a receiver can refuse a captured request replayed later.
import { createHmac } from "node:crypto";
import type { MessagePayload } from "../message";
import type { WebhookSecrets, WebhookSettings } from "../channel-config";
import { postJson } from "./http-post";

export const signBody = (secret: string, timestamp: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;

export function sendWebhook(
  settings: WebhookSettings,
  secrets: WebhookSecrets,
  message: { deliveryId: number; payload: MessagePayload },
  timeoutMs: number,
  now = new Date(),
) {
  const body = JSON.stringify({ version: 1, deliveryId: message.deliveryId, ...message.payload });
  const headers: Record<string, string> = { ...secrets.headers, "x-ac-delivery": String(message.deliveryId) };
  const timestamp = String(Math.floor(now.getTime() / 1000));
  headers["x-ac-timestamp"] = timestamp;
  if (secrets.hmacSecret) headers["x-ac-signature"] = signBody(secrets.hmacSecret, timestamp, body);
  return postJson(settings.url, body, headers, timeoutMs);
}
