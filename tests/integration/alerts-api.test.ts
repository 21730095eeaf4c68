// The alerts API by role (docs/alerts.md): viewers read, operators acknowledge and silence, admins
// edit rules and channels; rule parameters and scopes are checked per kind; channel secrets are
// write-only; the list's silenced view uses the notifications' matchers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/trpc/[trpc]/route";
import { evaluateAlerts } from "@/server/alerts/evaluate";
import { OPEN_SILENCES_PER_AUTHOR } from "@/server/alerts/silences";
import { db } from "@/server/db";
import { stopBoss } from "@/server/jobs/boss";
import { createApiToken } from "@/server/users/api-tokens";
import { resetDatabase } from "../setup/db-helpers";
import { callers, errorOf, makeServer, type Callers } from "./inventory-fixtures";

const expectCode = async (call: Promise<unknown>, code: string) => expect((await errorOf(call)).code).toBe(code);

let as: Callers;
beforeAll(async () => {
  await resetDatabase();
  as = await callers();
  await db().alertRule.create({ data: { name: "offline", kind: "server_offline", forSeconds: 0 } });
  await makeServer("web-01", { status: "offline" });
  await makeServer("db-01", { status: "offline" });
  await evaluateAlerts();
});
afterAll(() => stopBoss());

describe("alerts API", () => {
  it("lets viewers read alerts and the firing count, not acknowledge or silence", async () => {
    expect(await as.viewer.alerts.firingCount()).toBe(2);
    const list = await as.viewer.alerts.list({ view: "firing" });
    expect(list.items.map((a) => a.subjectLabel).sort()).toEqual(["server db-01", "server web-01"]);
    await expectCode(as.viewer.alerts.acknowledge({ id: list.items[0]!.id }), "FORBIDDEN");
    await expectCode(
      as.viewer.alerts.silence({ kind: "server_offline", durationMinutes: 60, reason: "x" }),
      "FORBIDDEN",
    );
  });

  it("lets operators acknowledge, and silence with a matcher and a reason", async () => {
    const [alert] = (await as.operator.alerts.list({ view: "firing", q: "web-01" })).items;
    await as.operator.alerts.acknowledge({ id: alert!.id });
    expect(await db().alert.findUnique({ where: { id: alert!.id } })).toMatchObject({
      acknowledgedBy: "test-operator",
    });

    await expect(as.operator.alerts.silence({ durationMinutes: 60, reason: "everything" })).rejects.toThrow(
      /at least one matcher/,
    );
    // A subject pattern of stars alone matches every label: no matcher either.
    for (const subjectPattern of ["*", "***"])
      await expect(
        as.operator.alerts.silence({ subjectPattern, durationMinutes: 60, reason: "everything" }),
      ).rejects.toThrow(/at least one matcher/);
    await expect(
      as.operator.alerts.silence({ ruleId: 9999, durationMinutes: 60, reason: "no such rule" }),
    ).rejects.toThrow(/Alert rule not found/);
    const rule = await db().alertRule.findFirstOrThrow({ where: { name: "offline" } });
    const silence = await as.operator.alerts.silence({
      ruleId: rule.id,
      subjectPattern: "server db-*",
      durationMinutes: 60,
      reason: "disk swap",
    });
    expect((await as.viewer.alerts.list({ view: "silenced" })).items.map((a) => a.subjectLabel)).toEqual([
      "server db-01",
    ]);
    expect((await as.viewer.alerts.list({ view: "firing" })).items.map((a) => a.subjectLabel)).toEqual([
      "server web-01",
    ]);
    expect((await as.viewer.alerts.silences({})).items[0]).toMatchObject({
      createdBy: "test-operator",
      reason: "disk swap",
      active: true,
    });
    await as.operator.alerts.expireSilence({ id: silence.id });
    expect((await as.viewer.alerts.list({ view: "silenced" })).items).toEqual([]);
  });

  it("caps the open silences one author holds, counting parallel calls; ended ones do not count", async () => {
    const silence = (i: number) =>
      as.operator.alerts.silence({ subjectPattern: `server cap-${i}`, durationMinutes: 60, reason: "cap" });
    for (let i = 0; i < OPEN_SILENCES_PER_AUTHOR - 5; i++) await silence(i);
    // The last five places, raced for by ten calls at once.
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => silence(100 + i)));
    const open = await db().alertSilence.count({ where: { createdBy: "test-operator", endsAt: { gt: new Date() } } });
    expect(open).toBe(OPEN_SILENCES_PER_AUTHOR);
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused.length).toBe(5);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/open silences.*end some first/);
    const [first] = (await as.viewer.alerts.silences({})).items.filter((s) => s.active);
    await as.operator.alerts.expireSilence({ id: first!.id });
    await expect(silence(999)).resolves.toMatchObject({ id: expect.any(Number) });
    await db().alertSilence.updateMany({ where: { reason: "cap" }, data: { endsAt: new Date() } });
  });

  it("over HTTP, names each refused parameter's field too, so the rule form marks that input", async () => {
    const { secret } = await createApiToken({ name: "rules", role: "admin" });
    const rule = { name: "bad", kind: "task_failed", params: { statuses: [], withinSeconds: 30 } };
    const response = await POST(
      new Request("http://localhost/api/trpc/alerts.createRule", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
        body: JSON.stringify({ json: rule }),
      }),
    );
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as {
      error: { json: { message: string; data: { fields: Record<string, string> | null } } };
    };
    expect(error.json.message).toBe("statuses needs at least 1 entry; withinSeconds must be at least 60");
    expect(error.json.data.fields).toEqual({
      "params.statuses": "statuses needs at least 1 entry",
      "params.withinSeconds": "withinSeconds must be at least 60",
    });
    expect(await db().alertRule.count({ where: { name: "bad" } })).toBe(0);
  });

  it("lets only admins edit rules, and checks parameters and scope per kind", async () => {
    const input = { name: "low group", kind: "group_online_low" as const, params: { minPercent: 50 }, forSeconds: 60 };
    await expectCode(as.operator.alerts.createRule(input), "FORBIDDEN");
    const rule = await as.admin.alerts.createRule(input);
    expect(rule).toMatchObject({ kind: "group_online_low", params: { minPercent: 50 }, scopeKind: "all" });
    // The message names the parameter in plain words, not zod's notation.
    await expect(as.admin.alerts.createRule({ ...input, name: "bad", params: { minPercent: 150 } })).rejects.toThrow(
      /^minPercent must be at most 100$/,
    );
    await expect(as.admin.alerts.createRule({ ...input, name: "bad", params: { minPercent: "50" } })).rejects.toThrow(
      /^minPercent must be a number$/,
    );
    await expect(as.admin.alerts.createRule({ ...input, name: "bad", params: {} })).rejects.toThrow(
      /minOnline, minPercent/,
    );
    await expect(
      as.admin.alerts.createRule({ ...input, name: "bad", params: { minPercent: 5, extra: 1 } }),
    ).rejects.toThrow(/^extra is not a parameter of this kind \(it takes minOnline, minPercent\)$/);
    await expect(
      as.admin.alerts.createRule({ ...input, name: "bad", scopeKind: "haproxy_backend", scopeId: 1 }),
    ).rejects.toThrow(/can be scoped to all, catalog, group/);
    await expect(as.admin.alerts.createRule({ ...input, name: "bad", scopeKind: "group" })).rejects.toThrow(
      /needs an id/,
    );
    await expect(
      as.admin.alerts.createRule({ ...input, name: "bad", scopeKind: "group", scopeId: 999_999 }),
    ).rejects.toThrow(/no group with id 999999/);
    await expect(
      as.admin.alerts.updateRule({ id: rule.id, rule: { ...input, scopeKind: "catalog", scopeId: 999_999 } }),
    ).rejects.toThrow(/no catalog entry with id 999999/);
    await expect(
      as.operator.alerts.silence({ scopeKind: "server", scopeId: 999_999, durationMinutes: 60, reason: "typo" }),
    ).rejects.toThrow(/no server with id 999999/);
    await expectCode(as.admin.alerts.createRule(input), "CONFLICT");
    await as.admin.alerts.updateRule({ id: rule.id, rule: { ...input, enabled: false } });
    await as.admin.alerts.deleteRule({ id: rule.id });
    await expectCode(as.admin.alerts.deleteRule({ id: rule.id }), "NOT_FOUND");
  });

  it("keeps channel secrets write-only: never read back, kept when an update leaves them out", async () => {
    await expectCode(
      as.operator.alerts.createChannel({ name: "x", type: "slack", secrets: { url: "https://hooks.example/x" } }),
      "FORBIDDEN",
    );
    await expect(as.admin.alerts.createChannel({ name: "s", type: "slack" })).rejects.toThrow(/url must be set/);
    const { id } = await as.admin.alerts.createChannel({
      name: "tg",
      type: "telegram",
      settings: { chatId: "@ops_alerts" },
      secrets: { botToken: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    });
    await as.admin.alerts.updateChannel({
      id,
      channel: { name: "tg", type: "telegram", settings: { chatId: "@ops_alerts" } },
    });
    const stored = await db().notificationChannel.findUnique({ where: { id }, select: { secrets: true } });
    expect(stored?.secrets).toEqual({ botToken: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    const read = JSON.stringify(await as.viewer.alerts.channels());
    expect(read).not.toContain("AAAAAAAAAAAA");
    expect(read).toContain('"secretsSet":["botToken"]');
    await expect(
      as.admin.alerts.createChannel({
        name: "t2",
        type: "telegram",
        settings: { chatId: "1" },
        secrets: { botToken: "../../x" },
      }),
    ).rejects.toThrow(/bot token/);
  });

  it("shows a webhook's URL, which may carry the receiver's token, in full to admins only", async () => {
    const url = "https://receiver.example/hooks/T0KEN-in-path?key=T0KEN-in-query";
    await as.admin.alerts.createChannel({ name: "teams-like", type: "webhook", settings: { url } });
    const urlOf = async (caller: typeof as.viewer) =>
      (await caller.alerts.channels()).find((c) => c.name === "teams-like")?.settings.url;
    expect(await urlOf(as.admin)).toBe(url);
    expect(await urlOf(as.viewer)).toBe("https://receiver.example/…");
    expect(await urlOf(as.operator)).toBe("https://receiver.example/…");
  });
});

describe("alert retention", () => {
  it("deletes resolved alerts, sent messages and ended silences older than the event retention, nothing open", async () => {
    const { cleanupOldRecords } = await import("@/server/jobs/cleanup");
    const old = new Date(Date.now() - 40 * 86_400_000);
    const rule = await db().alertRule.create({ data: { name: "retention", kind: "server_offline" } });
    const base = { ruleId: rule.id, subjectLabel: "x", pendingSince: old };
    await db().alert.create({ data: { ...base, subject: "a", state: "resolved", open: null, resolvedAt: old } });
    const open = await db().alert.create({ data: { ...base, subject: "b", state: "firing" } });
    const channel = await db().notificationChannel.create({ data: { name: "r", type: "webhook", settings: {} } });
    await db().notificationDelivery.createMany({
      data: [
        { channelId: channel.id, kind: "test", payload: {}, status: "delivered", createdAt: old },
        { channelId: channel.id, kind: "test", payload: {}, status: "queued", createdAt: old },
      ],
    });
    await db().alertSilence.create({
      data: { kind: "server_offline", startsAt: old, endsAt: old, createdBy: "op", reason: "r" },
    });
    expect(await cleanupOldRecords()).toMatchObject({
      deleted: { alerts: 1, notification_deliveries: 1, alert_silences: 1 },
    });
    expect((await db().alert.findMany({ where: { ruleId: rule.id } })).map((a) => a.id)).toEqual([open.id]);
    expect(await db().notificationDelivery.count({ where: { channelId: channel.id } })).toBe(1);
  });
});
