// The message a channel receives: the alerts of one evaluation (docs/alerts.md, "Message format"),
// stored as the delivery's payload and rendered per channel type. Bounded: at most
// MAX_ALERTS_PER_MESSAGE alerts are listed, the rest counted.
import type { AlertRuleKind, AlertSeverity } from "../generated/prisma/enums";

export const MAX_ALERTS_PER_MESSAGE = 50;

export type MessageAlert = {
  id: number;
  state: "firing" | "resolved" | "pending";
  rule: string;
  kind: AlertRuleKind;
  severity: AlertSeverity;
  subject: string;
  subjectLabel: string;
  detail: string | null;
  firedAt: string | null;
  resolvedAt: string | null;
  /** Sent again because it is still firing (the channel's repeat interval). */
  repeat?: boolean;
};

export type MessagePayload = {
  kind: "alerts" | "test";
  createdAt: string;
  firing: number;
  resolved: number;
  alerts: MessageAlert[];
  /** Alerts of this message not listed in `alerts`. */
  omitted: number;
};

export function alertMessagePayload(alerts: MessageAlert[], now: string): MessagePayload {
  // Firing first, most severe first: what a person must read before the list is cut.
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  const sorted = [...alerts].sort(
    (a, b) =>
      Number(a.state !== "firing") - Number(b.state !== "firing") || rank[a.severity] - rank[b.severity] || a.id - b.id,
  );
  return {
    kind: "alerts",
    createdAt: now,
    firing: alerts.filter((a) => a.state === "firing").length,
    resolved: alerts.filter((a) => a.state === "resolved").length,
    alerts: sorted.slice(0, MAX_ALERTS_PER_MESSAGE),
    omitted: Math.max(0, alerts.length - MAX_ALERTS_PER_MESSAGE),
  };
}

export function testMessagePayload(now: string): MessagePayload {
  return { kind: "test", createdAt: now, firing: 0, resolved: 0, alerts: [], omitted: 0 };
}

export function messageTitle(p: MessagePayload): string {
  if (p.kind === "test") return "[AC] Test message: this channel works";
  const parts = [p.firing ? `${p.firing} firing` : "", p.resolved ? `${p.resolved} resolved` : ""].filter(Boolean);
  return `[AC] ${parts.join(", ")}`;
}

/** One line per alert, plain text: Telegram, Slack and e-mail bodies are built from it. */
export function alertLine(a: MessageAlert): string {
  const state = a.state === "firing" ? (a.repeat ? "STILL FIRING" : "FIRING") : "RESOLVED";
  return `${state} [${a.severity}] ${a.rule}: ${a.subjectLabel}${a.detail ? ` (${a.detail})` : ""}`;
}

export function messageText(p: MessagePayload, panelUrl?: string): string {
  const lines = [messageTitle(p), ...p.alerts.map(alertLine)];
  if (p.omitted > 0) lines.push(`… and ${p.omitted} more`);
  if (panelUrl) lines.push(`${panelUrl}/alerts`);
  return lines.join("\n");
}
