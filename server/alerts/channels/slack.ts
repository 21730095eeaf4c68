// Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): {text, blocks}. The URL
// holds the webhook's token, so it is one of the channel's secrets.
import { messageText, messageTitle, alertLine, type MessagePayload } from "../message";
import { postJson } from "./http-post";

/**
 * Slack's escaping for mrkdwn text (&, <, >): names, versions and errors come from agents, and
 * unescaped `<!channel>` or `<https://…|text>` would ping everyone or show a disguised link.
 */
export const slackEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function sendSlack(url: string, payload: MessagePayload, timeoutMs: number, panelUrl?: string) {
  const lines = payload.alerts.map((a) => slackEscape(alertLine(a)));
  if (payload.omitted > 0) lines.push(`… and ${payload.omitted} more`);
  const body = {
    text: slackEscape(messageText(payload, panelUrl)),
    blocks: [
      { type: "header", text: { type: "plain_text", text: messageTitle(payload).slice(0, 150) } },
      ...(lines.length ? [{ type: "section", text: { type: "mrkdwn", text: lines.join("\n").slice(0, 2900) } }] : []),
    ],
  };
  return postJson(url, JSON.stringify(body), {}, timeoutMs);
}
