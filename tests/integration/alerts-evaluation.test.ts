// Alert evaluation on a real PostgreSQL (docs/alerts.md, "Evaluation"): rules fire only after
// their `for`, resolve when the condition clears, a flapping agent never pages, two evaluators at
// once make one alert and one message, and every rule kind reads what polling and syncing store.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { evaluateAlerts } from "@/server/alerts/evaluate";
import { db } from "@/server/db";
import type { AlertRuleKind } from "@/server/generated/prisma/enums";
import { stopBoss } from "@/server/jobs/boss";
import { resetDatabase } from "../setup/db-helpers";
import { makeInstance, makeServer } from "./inventory-fixtures";

const t0 = new Date("2026-06-01T10:00:00.000Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

/** A rule of `kind` that fires at once, the only one enabled. */
async function onlyRule(kind: AlertRuleKind, data: object = {}) {
  await db().alertRule.updateMany({ data: { enabled: false } });
  return db().alertRule.create({ data: { name: `test ${kind}`, kind, forSeconds: 0, ...data } });
}
const channel = () =>
  db().notificationChannel.create({
    data: { name: `hook ${Math.random()}`, type: "webhook", settings: { url: "http://127.0.0.1:9/" } },
  });
const alerts = () => db().alert.findMany({ orderBy: { id: "asc" } });
const deliveries = () => db().notificationDelivery.findMany({ orderBy: { id: "asc" } });

afterAll(() => stopBoss()); // evaluations wake the delivery queue

beforeEach(async () => {
  await db().notificationDelivery.deleteMany();
  await db().notificationChannel.deleteMany();
  await db().alert.deleteMany();
  await db().alertRule.deleteMany({ where: { name: { startsWith: "test " } } });
});

describe("alert evaluation", () => {
  it("seeds the default rules once, by the migration", async () => {
    const rules = await db().alertRule.findMany({ where: { name: { not: { startsWith: "test " } } } });
    expect(rules.length).toBe(12);
    expect(new Set(rules.map((r) => r.kind)).size).toBe(12);
    expect(rules.find((r) => r.kind === "task_paused")).toMatchObject({ params: { minutes: 60 }, forSeconds: 0 });
  });

  it("goes pending → firing after `for`, then resolves once the condition clears, with one message each", async () => {
    await resetDatabase();
    const rule = await db().alertRule.create({
      data: { name: "test offline", kind: "server_offline", forSeconds: 120 },
    });
    await channel();
    const server = await makeServer("web-01", { status: "offline", lastError: "connection refused" });

    await evaluateAlerts(at(0));
    expect(await alerts()).toMatchObject([{ ruleId: rule.id, subject: `server:${server.id}`, state: "pending" }]);
    await evaluateAlerts(at(60));
    expect((await alerts())[0]!.state).toBe("pending");
    expect(await deliveries()).toEqual([]);

    await evaluateAlerts(at(120));
    const [firing] = await alerts();
    expect(firing).toMatchObject({ state: "firing", subjectLabel: "server web-01", detail: "connection refused" });
    expect(firing!.firedAt).toEqual(at(120));

    await evaluateAlerts(at(180)); // still firing: no second message before the repeat interval
    expect(await deliveries()).toHaveLength(1);

    await db().server.update({ where: { id: server.id }, data: { status: "online", lastError: null } });
    await evaluateAlerts(at(240));
    expect(await alerts()).toMatchObject([{ state: "resolved", open: null, resolvedAt: at(240) }]);
    const sent = await deliveries();
    expect(sent.map((d) => (d.payload as { alerts: { state: string }[] }).alerts[0]!.state)).toEqual([
      "firing",
      "resolved",
    ]);

    // Offline again: a new episode, a new alert row beside the resolved one.
    await db().server.update({ where: { id: server.id }, data: { status: "offline" } });
    await evaluateAlerts(at(300));
    expect((await alerts()).map((a) => a.state)).toEqual(["resolved", "pending"]);
  });

  it("does not page for an agent flapping faster than `for`", async () => {
    await resetDatabase();
    await db().alertRule.create({ data: { name: "test offline", kind: "server_offline", forSeconds: 120 } });
    await channel();
    const server = await makeServer("flappy", { status: "offline" });
    for (let i = 0; i < 10; i++) {
      await db().server.update({ where: { id: server.id }, data: { status: i % 2 === 0 ? "offline" : "online" } });
      await evaluateAlerts(at(i * 60)); // offline for 60 s at a time, never 120
    }
    expect((await alerts()).filter((a) => a.state !== "pending")).toEqual([]);
    expect(await deliveries()).toEqual([]);
  });

  it("makes one alert and one message when two evaluators run at once (two replicas)", async () => {
    await resetDatabase();
    await db().alertRule.create({ data: { name: "test offline", kind: "server_offline", forSeconds: 0 } });
    await channel();
    await makeServer("down-1", { status: "offline" });
    await makeServer("down-2", { status: "offline" });
    await Promise.all([evaluateAlerts(at(0)), evaluateAlerts(at(0)), evaluateAlerts(at(1))]);
    expect((await alerts()).map((a) => a.state)).toEqual(["firing", "firing"]);
    const sent = await deliveries();
    expect(sent).toHaveLength(1); // both alerts of the evaluation grouped into one message
    expect((sent[0]!.payload as { firing: number }).firing).toBe(2);
  });

  it("lets the database refuse a second open alert for the same rule and subject", async () => {
    const rule = await db().alertRule.create({ data: { name: "test dup", kind: "server_offline" } });
    const row = { ruleId: rule.id, subject: "server:1", subjectLabel: "x", state: "firing" as const, pendingSince: t0 };
    await db().alert.create({ data: row });
    await expect(db().alert.create({ data: row })).rejects.toThrow(/Unique constraint/);
    await db().alert.create({ data: { ...row, state: "resolved", open: null } }); // resolved ones may repeat
  });

  it("sends nothing for a silenced alert, and no repeat for an acknowledged one", async () => {
    await resetDatabase();
    await db().alertRule.create({ data: { name: "test offline", kind: "server_offline", forSeconds: 0 } });
    const ch = await db().notificationChannel.create({
      data: { name: "hook", type: "webhook", settings: { url: "http://127.0.0.1:9/" }, repeatIntervalSeconds: 600 },
    });
    await makeServer("db-01", { status: "offline" });
    await makeServer("web-01", { status: "offline" });
    await db().alertSilence.create({
      data: {
        subjectPattern: "server DB-*",
        startsAt: at(-1),
        endsAt: at(3600),
        createdBy: "op",
        reason: "maintenance",
      },
    });
    await evaluateAlerts(at(0));
    const first = await deliveries();
    expect(first).toHaveLength(1);
    expect((first[0]!.payload as { alerts: { subjectLabel: string }[] }).alerts.map((a) => a.subjectLabel)).toEqual([
      "server web-01",
    ]);
    await db().alert.updateMany({
      where: { subjectLabel: "server web-01" },
      data: { acknowledgedAt: at(1), acknowledgedBy: "op" },
    });
    await evaluateAlerts(at(700)); // repeat due, but acknowledged
    expect(await deliveries()).toHaveLength(1);
    await evaluateAlerts(at(3700)); // silence over: db-01 is told now
    const after = await deliveries();
    expect(after).toHaveLength(2);
    expect((after[1]!.payload as { alerts: { subjectLabel: string }[] }).alerts[0]!.subjectLabel).toBe("server db-01");
    expect(after[1]!.channelId).toBe(ch.id);
  });
});

describe("rule kinds read what polling and syncing store", () => {
  beforeEach(() => resetDatabase());
  const subjects = async () => (await alerts()).map((a) => `${a.subjectLabel} | ${a.detail}`);

  it("instance_status, group_online_low and group_version_drift", async () => {
    const s = await makeServer("app-01", { status: "online" });
    await makeInstance(s.id, "billing", 1, { status: "offline", version: "1.0" });
    await makeInstance(s.id, "billing", 2, { status: "online", version: "1.1" });
    await makeInstance(s.id, "billing", 3, { status: "starting", version: "1.1" });
    await onlyRule("instance_status", { params: { statuses: ["offline"] } });
    await db().alertRule.create({
      data: { name: "test low", kind: "group_online_low", forSeconds: 0, params: { minPercent: 50 } },
    });
    await db().alertRule.create({ data: { name: "test drift", kind: "group_version_drift", forSeconds: 0 } });
    await evaluateAlerts(at(0));
    expect((await subjects()).sort()).toEqual([
      "billing_1 on app-01 | status offline",
      "group billing | 1 of 3 instances online",
      "group billing | 2 versions: 1.0, 1.1",
    ]);
  });

  it("haproxy_server_status, backend_up_low, sync_failing and breaker_open", async () => {
    const node = await makeServer("lb-01", { status: "online" });
    const hi = await db().hAProxyInstance.create({
      data: {
        serverId: node.id,
        name: "main",
        lastSyncSuccess: false,
        lastSyncError: "circuit breaker for lb-01/main is open until 2026-06-01T10:05:00.000Z (last error: timeout)",
      },
    });
    // The breaker the replicas share (server/haproxy/breaker.ts), open since the refused sync.
    await db().hAProxyBreaker.create({
      data: {
        haproxyInstanceId: hi.id,
        failures: 5,
        openedAt: new Date(),
        lastError: "timeout",
        updatedAt: new Date(),
      },
    });
    const b = await db().hAProxyBackend.create({ data: { haproxyInstanceId: hi.id, backendName: "web" } });
    await db().hAProxyServer.createMany({
      data: [
        { backendId: b.id, serverName: "w1", status: "DOWN" },
        { backendId: b.id, serverName: "w2", status: "MAINT" },
        { backendId: b.id, serverName: "w3", status: "UP 1/3" },
      ],
    });
    await onlyRule("haproxy_server_status", { params: { statuses: ["DOWN"] } });
    await db().alertRule.create({
      data: { name: "test up", kind: "backend_up_low", forSeconds: 0, params: { minPercent: 50 } },
    });
    await db().alertRule.create({ data: { name: "test sync", kind: "sync_failing", forSeconds: 0 } });
    await db().alertRule.create({
      data: { name: "test brk", kind: "breaker_open", forSeconds: 0, scopeKind: "haproxy_instance", scopeId: hi.id },
    });
    await evaluateAlerts(at(0));
    const got = await subjects();
    expect(got).toContain("main/web/w1 | status DOWN");
    expect(got).toContain("main/web | 1 of 3 servers UP");
    expect(got.filter((s) => s.startsWith("HAProxy lb-01/main | circuit breaker"))).toHaveLength(2);
    expect(got).toHaveLength(4);
  });

  it("task_failed within its window, poll_cycle overdue or failing, agent_reply_invalid", async () => {
    await db().task.create({
      data: {
        kind: "update",
        status: "failed",
        target: { groupId: 1 },
        parameters: {},
        createdBy: "op",
        error: "boom",
        finishedAt: at(-60),
      },
    });
    await db().task.create({
      data: {
        kind: "update",
        status: "interrupted",
        target: {},
        parameters: {},
        createdBy: "op",
        finishedAt: at(-90_000),
      },
    });
    await db().jobRun.create({
      data: { name: "poll-agents", lastRunAt: at(-30), summary: { servers: 10, failures: 5 } },
    });
    await makeServer("odd-agent", { status: "online", lastError: "2 app entries skipped: bad port" });
    await onlyRule("task_failed", { params: { withinSeconds: 3600 } });
    await db().alertRule.create({ data: { name: "test poll", kind: "poll_cycle", forSeconds: 0 } });
    await db().alertRule.create({ data: { name: "test reply", kind: "agent_reply_invalid", forSeconds: 0 } });
    await evaluateAlerts(at(0));
    const got = await subjects();
    expect(got.filter((s) => s.startsWith("task update"))).toEqual([expect.stringMatching(/\| failed: boom$/)]);
    expect(got).toContain("poll cycle | 5 of 10 servers failed");
    expect(got).toContain("server odd-agent | 2 app entries skipped: bad port");

    await db().jobRun.update({ where: { name: "poll-agents" }, data: { summary: { servers: 10, failures: 0 } } });
    await evaluateAlerts(at(1000)); // the last cycle started 1030 s ago: overdue at 3 × 60 s
    expect((await subjects()).find((s) => s.startsWith("poll cycle"))).toMatch(/no cycle started since/);
  });

  it("task_paused: a task waiting for Continue longer than `minutes` since its pause, until it goes on", async () => {
    const pausedTask = (pausedAt: Date, target: object, reason: "canary" | "stage") =>
      db().task.create({
        data: {
          kind: "update",
          status: "paused",
          target,
          parameters: {},
          createdBy: "op",
          progress: { pause: { afterBatch: 0, reason, since: pausedAt.toISOString() } },
        },
      });
    // A rollout of groups 1 and 2 paused between them 2 h ago; a canary of group 3 paused 10 min ago.
    const rollout = await pausedTask(at(-7200), { groupId: 1, groupIds: [1, 2], instanceIds: [] }, "stage");
    const canary = await pausedTask(at(-600), { groupId: 3, instanceIds: [] }, "canary");
    // A rule scoped to the rollout's second group, one for every task.
    await onlyRule("task_paused", { params: { minutes: 60 }, scopeKind: "group", scopeId: 2 });
    await db().alertRule.create({
      data: { name: "test paused all", kind: "task_paused", params: { minutes: 30 }, forSeconds: 0 },
    });
    await evaluateAlerts(at(0));
    expect((await alerts()).map((a) => [a.subject, a.state, a.detail])).toEqual([
      [`task:${rollout.id}`, "firing", "paused since 2026-06-01 08:00 UTC between groups, waiting for Continue"],
      [`task:${rollout.id}`, "firing", "paused since 2026-06-01 08:00 UTC between groups, waiting for Continue"],
    ]);

    // 25 minutes later the canary has waited 35: past the 30 of the fleet-wide rule only.
    await evaluateAlerts(at(1500));
    expect((await alerts()).filter((a) => a.subject === `task:${canary.id}`)).toMatchObject([
      { state: "firing", detail: "paused since 2026-06-01 09:50 UTC after the canary, waiting for Continue" },
    ]);

    // Continued (pending, then running): the condition clears and its alerts resolve.
    await db().task.update({ where: { id: rollout.id }, data: { status: "pending" } });
    await evaluateAlerts(at(1600));
    const after = await alerts();
    expect(after.filter((a) => a.subject === `task:${rollout.id}`).map((a) => a.state)).toEqual([
      "resolved",
      "resolved",
    ]);
    expect(after.filter((a) => a.open).map((a) => a.subject)).toEqual([`task:${canary.id}`]);
  });
});
