// Telegram Bot API: POST {baseUrl}/bot<token>/sendMessage with {chat_id, text}. The token is
// checked to be token-shaped (channel-config.ts), so it cannot change the path; it is a secret
// and starred out of any error (the URL carries it).
import { messageText, type MessagePayload } from "../message";
import type { TelegramSettings } from "../channel-config";
import { postJson } from "./http-post";

/** Telegram refuses texts over 4096 characters. */
const MAX_TEXT = 4000;

export function sendTelegram(
  settings: TelegramSettings,
  botToken: string,
  payload: MessagePayload,
  timeoutMs: number,
  panelUrl?: string,
) {
  const url = `${settings.baseUrl.replace(/\/+$/, "")}/bot${botToken}/sendMessage`;
  const body = {
    chat_id: settings.chatId,
    text: messageText(payload, panelUrl).slice(0, MAX_TEXT),
    disable_web_page_preview: true,
  };
  return postJson(url, JSON.stringify(body), {}, timeoutMs);
}
