// Rule parameters and scopes per kind, secret redaction and the message a channel renders
// (server/alerts/rule-kinds.ts, channel-config.ts, message.ts; docs/alerts.md).
import { describe, expect, it } from "vitest";
import { redactSecrets, secretStrings } from "@/server/alerts/channel-config";
import { alertMessagePayload, messageText, type MessageAlert } from "@/server/alerts/message";
import { checkRule } from "@/server/alerts/rule-kinds";

describe("checkRule", () => {
  it("fills defaults and refuses unknown keys, out-of-range values and scopes the kind has not", () => {
    expect(checkRule("haproxy_server_status", {}, "all", null)).toEqual({ ok: true, params: { statuses: ["DOWN"] } });
    expect(checkRule("instance_status", { statuses: ["exited"] }, "all", null)).toMatchObject({
      ok: false,
      message: "each entry of statuses must be one of online, offline, unknown, starting, stopping, no_data",
    });
    expect(checkRule("task_paused", { minutes: 1.5 }, "all", null)).toMatchObject({
      message: "minutes must be a whole number",
    });
    expect(checkRule("server_offline", { x: 1 }, "all", null)).toMatchObject({
      message: "x is not a parameter of this kind (it takes no parameters)",
    });
    expect(checkRule("backend_up_low", { minPercent: 50, x: 1 }, "all", null)).toMatchObject({ ok: false });
    expect(checkRule("poll_cycle", {}, "group", 3)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/all, not group/),
    });
    expect(checkRule("server_offline", {}, "server", null)).toMatchObject({
      ok: false,
      message: "scope server needs an id",
    });
    expect(checkRule("server_offline", {}, "all", 4)).toMatchObject({ ok: false, message: "scope all takes no id" });
    expect(checkRule("task_paused", {}, "group", 3)).toEqual({ ok: true, params: { minutes: 60 } });
    for (const minutes of [0, 1.5, 30 * 1440 + 1])
      expect(checkRule("task_paused", { minutes }, "all", null), String(minutes)).toMatchObject({ ok: false });
    expect(checkRule("task_paused", {}, "server", 1)).toMatchObject({ ok: false });
  });
});

describe("redactSecrets", () => {
  it("stars every secret of a channel, header values included, and URL passwords", () => {
    const secrets = secretStrings({ botToken: "123:abcdefabcdef", headers: { Authorization: "Bearer tok-xyz" } });
    expect(
      redactSecrets("POST https://api/bot123:abcdefabcdef/send said Bearer tok-xyz; http://u:pw@h/", secrets),
    ).toBe("POST https://api/bot***/send said ***; http://u:***@h/");
  });
});

describe("messages", () => {
  const alert = (id: number, over: Partial<MessageAlert> = {}): MessageAlert => ({
    id,
    state: "firing",
    rule: "Server offline",
    kind: "server_offline",
    severity: "warning",
    subject: `server:${id}`,
    subjectLabel: `server s${id}`,
    detail: null,
    firedAt: null,
    resolvedAt: null,
    ...over,
  });

  it("lists firing before resolved, most severe first, and counts what it leaves out", () => {
    const alerts = [
      alert(1, { state: "resolved" }),
      alert(2),
      alert(3, { severity: "critical" }),
      ...Array.from({ length: 60 }, (_, i) => alert(100 + i, { severity: "info" })),
    ];
    const payload = alertMessagePayload(alerts, "2026-12-01T00:00:00.000Z");
    expect(payload.alerts.slice(0, 2).map((a) => a.id)).toEqual([3, 2]);
    expect(payload).toMatchObject({ firing: 62, resolved: 1, omitted: 13 });
    expect(payload.alerts).toHaveLength(50);
    expect(messageText(payload).split("\n")[0]).toBe("[AC] 62 firing, 1 resolved");
    expect(messageText(payload)).toMatch(/… and 13 more$/);
  });
});
