// Generic webhook (docs/alerts.md, "Webhook"): the message as JSON, signed with HMAC-SHA256 over
// the exact body bytes when the channel has a secret: `X-AC-Signature: sha256=<hex>`.
import { createHmac } from "node:crypto";
import type { MessagePayload } from "../message";
import type { WebhookSecrets, WebhookSettings } from "../channel-config";
import { postJson } from "./http-post";

export const signBody = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

export function sendWebhook(
  settings: WebhookSettings,
  secrets: WebhookSecrets,
  message: { deliveryId: number; payload: MessagePayload },
  timeoutMs: number,
) {
  const body = JSON.stringify({ version: 1, deliveryId: message.deliveryId, ...message.payload });
  const headers: Record<string, string> = { ...secrets.headers, "x-ac-delivery": String(message.deliveryId) };
  if (secrets.hmacSecret) headers["x-ac-signature"] = signBody(secrets.hmacSecret, body);
  return postJson(settings.url, body, headers, timeoutMs);
}
