// Sends one message through one channel, whatever its type. Stored settings and secrets are
// parsed again here, so a row edited by hand fails with a message instead of a wrong request.
import { config } from "../../config";
import type { ChannelType } from "../../generated/prisma/enums";
import { channelSecrets, channelSettings } from "../channel-config";
import type { MessagePayload } from "../message";
import { sendEmail } from "./email";
import { SendError } from "./http-post";
import { sendSlack } from "./slack";
import { sendTelegram } from "./telegram";
import { sendWebhook } from "./webhook";

export type SendableChannel = { type: ChannelType; settings: unknown; secrets: unknown };

export async function sendToChannel(
  channel: SendableChannel,
  message: { deliveryId: number; payload: MessagePayload },
): Promise<{ code: number | null }> {
  const timeoutMs = config().ALERT_DELIVERY_TIMEOUT * 1000;
  const panelUrl = config().AC_PUBLIC_URL;
  const parse = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, v: unknown) => {
    const parsed = schema.safeParse(v ?? {});
    if (!parsed.success)
      throw new SendError(`the channel's stored ${channel.type} configuration is invalid; save it again`);
    return parsed.data;
  };
  switch (channel.type) {
    case "webhook":
      return sendWebhook(
        parse(channelSettings.webhook, channel.settings),
        parse(channelSecrets.webhook, channel.secrets),
        message,
        timeoutMs,
      );
    case "slack": {
      const { url } = parse(channelSecrets.slack, channel.secrets);
      if (!url) throw new SendError("the channel has no webhook URL");
      return sendSlack(url, message.payload, timeoutMs, panelUrl);
    }
    case "telegram": {
      const { botToken } = parse(channelSecrets.telegram, channel.secrets);
      if (!botToken) throw new SendError("the channel has no bot token");
      return sendTelegram(
        parse(channelSettings.telegram, channel.settings),
        botToken,
        message.payload,
        timeoutMs,
        panelUrl,
      );
    }
    case "email": {
      const { password } = parse(channelSecrets.email, channel.secrets);
      return sendEmail(parse(channelSettings.email, channel.settings), password, message.payload, timeoutMs, panelUrl);
    }
  }
}
