// The polling rules of docs/inventory.md end to end: simulated agents over real HTTP on 127.0.88.x, the
// real pipeline, a real PostgreSQL (a fresh database for this file).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db, dbPool } from "@/server/db";
import { pollServer, pollTargetSelect } from "@/server/inventory/poll-server";
import { pollServers } from "@/server/inventory/poll-cycle";
import { resolveGroups } from "@/server/inventory/groups";
import { startSimulator, type ScenarioInput } from "@/tools/fagent-sim";
import { resetDatabase } from "@/tests/setup/db-helpers";

// A simulated agent answers in milliseconds, but on a loaded machine this process can get no CPU
// for longer than a tight timeout: a healthy poll must not time out. The timeout test sets its own.
const agent = { timeoutMs: 10_000, maxResponseBytes: 256 * 1024, tokenHeader: "X-Agent-Token" };
const scenario: ScenarioInput = {
  mode: "address",
  baseAddress: "127.0.88.2",
  port: 0,
  agents: [
    {
      name: "alpha",
      apps: {
        docker: [
          {
            container_name: "jurws_1",
            container_id: "c-1",
            image: "reg/jurws",
            tag: "1.0",
            version: "1.0",
            status: "running",
            port: 8080,
            pid: 4242,
            start_time: "2026-11-01T10:00:00.123Z",
            eureka_registered: true,
          },
          {
            container_name: "jurws_2",
            container_id: "c-2",
            image: "reg/jurws",
            tag: "1.0",
            version: "1.0",
            status: "Up",
          },
        ],
        site: [{ name: "standalone", path: "/srv/site", version: "3.1", status: "active" }],
        service: [
          { name: "my-app_test", version: "0.9", status: "pending" },
          { name: "платёж_2", version: "2.0", status: "running" },
        ],
      },
    },
    {
      name: "beta",
      apps: {
        docker: [{ container_name: "jurws_3", image: "reg/jurws", tag: "1.0", version: "1.0", status: "running" }],
      },
    },
    { name: "gamma", token: "t0ken", apps: { site: [{ name: "portal_1", version: "5.0", status: "enabled" }] } },
  ],
};

let sim: Awaited<ReturnType<typeof startSimulator>>;
const poll = (name: string) =>
  db()
    .server.findUniqueOrThrow({ where: { name }, select: pollTargetSelect })
    .then((t) => pollServer(t, { agent }));
const instance = (instanceName: string) =>
  db().applicationInstance.findFirstOrThrow({ where: { instanceName }, include: { group: true, catalog: true } });

beforeAll(async () => {
  sim = await startSimulator({ scenario });
});
afterAll(() => sim.stop());
beforeEach(async () => {
  await sim.stop();
  sim = await startSimulator({ scenario });
  await resetDatabase();
  for (const a of sim.agents) {
    await db().server.create({
      data: { name: a.name, ip: a.ip, port: a.port, agentToken: a.name === "gamma" ? "t0ken" : null },
    });
  }
});

describe("a server's first poll", () => {
  it("stores every app with its fields, normalised status, group, catalog and instance number", async () => {
    const outcome = await poll("alpha");
    expect(outcome).toMatchObject({ status: "online", result: "updated", error: null, counts: { created: 5 } });
    expect(await instance("jurws_1")).toMatchObject({
      appType: "docker",
      status: "online",
      containerId: "c-1",
      image: "reg/jurws",
      tag: "1.0",
      version: "1.0",
      port: 8080,
      instanceNumber: 1,
      group: { name: "jurws" },
      catalog: { name: "jurws", appType: "docker" },
    });
    expect(await instance("standalone")).toMatchObject({
      appType: "site",
      status: "online",
      path: "/srv/site",
      instanceNumber: 0,
      group: { name: "standalone" },
    });
    expect(await instance("my-app_test")).toMatchObject({
      appType: "service",
      status: "starting",
      instanceNumber: 0,
      group: { name: "my-app_test" },
    });
    expect(await instance("платёж_2")).toMatchObject({ instanceNumber: 2, group: { name: "платёж" } });
    const server = await db().server.findUniqueOrThrow({ where: { name: "alpha" } });
    expect(server).toMatchObject({ status: "online", lastError: null });
    expect(server.lastCheck).not.toBeNull();
    expect(await db().event.findMany({ where: { serverId: server.id }, select: { eventType: true } })).toEqual([
      { eventType: "connect" },
    ]);
    expect(await db().applicationVersionHistory.count()).toBe(0);
  });

  it("puts instances of one base name on different servers into one group", async () => {
    await pollServers({}, { agent });
    const group = await db().applicationGroup.findUniqueOrThrow({
      where: { name: "jurws" },
      include: { instances: true },
    });
    expect(group.instances.map((i) => i.instanceName).sort()).toEqual(["jurws_1", "jurws_2", "jurws_3"]);
    expect(await db().applicationCatalog.count({ where: { name: "jurws" } })).toBe(1);
  });

  it("sends the server's agent token; a refused token makes the server offline with the reason", async () => {
    expect(await poll("gamma")).toMatchObject({ status: "online", result: "updated" });
    await db().server.update({ where: { name: "gamma" }, data: { agentToken: "wrong" } });
    const outcome = await poll("gamma");
    expect(outcome.result).toBe("offline");
    expect(outcome.error).toMatch(/401.*token/);
  });
});

describe("version history", () => {
  it("is written when an existing instance's version changes (changed_by agent, change_source polling)", async () => {
    await poll("alpha");
    await sim.control.setApp("alpha", "site", "standalone", { version: "3.2" });
    await poll("alpha");
    const rows = await db().applicationVersionHistory.findMany();
    expect(rows).toEqual([
      expect.objectContaining({
        oldVersion: "3.1",
        newVersion: "3.2",
        changedBy: "agent",
        changeSource: "polling",
        taskId: null,
        serverName: "alpha",
        instanceName: "standalone",
      }),
    ]);
    const updates = await db().event.findMany({ where: { eventType: "update" } });
    expect(updates).toHaveLength(1);
    expect(updates[0]!.description).toContain("3.1 → 3.2");
  });

  it("is written when only a docker tag changes", async () => {
    await poll("alpha");
    await sim.control.setApp("alpha", "docker", "jurws_2", { tag: "1.0-hotfix" });
    await poll("alpha");
    expect(await db().applicationVersionHistory.findMany()).toEqual([
      expect.objectContaining({ oldTag: "1.0", newTag: "1.0-hotfix", instanceName: "jurws_2" }),
    ]);
  });

  it("is not written for a new instance, an unchanged poll, or a change to empty version and tag", async () => {
    await poll("alpha");
    await poll("alpha");
    await sim.control.setApp("alpha", "docker", "jurws_1", { version: "", tag: "" });
    await poll("alpha");
    expect(await db().applicationVersionHistory.count()).toBe(0);
    expect(await instance("jurws_1")).toMatchObject({ version: null, tag: null });
  });
});

describe("apps that disappear, and status events", () => {
  it("marks an app missing from the reply offline with last_seen now, and writes a stop event", async () => {
    await poll("alpha");
    await sim.control.removeApp("alpha", "docker", "jurws_2");
    const before = new Date();
    await poll("alpha");
    const gone = await instance("jurws_2");
    expect(gone.status).toBe("offline");
    expect(gone.lastSeen!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(await db().event.findMany({ where: { instanceId: gone.id }, select: { eventType: true } })).toEqual([
      { eventType: "stop" },
    ]);
    expect((await instance("jurws_1")).status).toBe("online");
  });

  it("writes start when an instance comes online and stop when it goes offline", async () => {
    await poll("alpha");
    await sim.control.setApp("alpha", "docker", "jurws_1", { status: "stopped" });
    await poll("alpha");
    await sim.control.setApp("alpha", "docker", "jurws_1", { status: "running" });
    await poll("alpha");
    const id = (await instance("jurws_1")).id;
    const events = await db().event.findMany({
      where: { instanceId: id },
      orderBy: { id: "asc" },
      select: { eventType: true },
    });
    expect(events.map((e) => e.eventType)).toEqual(["stop", "start"]);
  });
});

describe("a server going offline and coming back", () => {
  it("sets the server offline, its instances no_data, writes disconnect then connect, and restores statuses", async () => {
    await poll("alpha");
    await sim.control.fault("alpha", { fault: "down" });
    const down = await poll("alpha");
    expect(down).toMatchObject({ status: "offline", result: "offline" });
    const server = await db().server.findUniqueOrThrow({ where: { name: "alpha" } });
    expect(server.status).toBe("offline");
    expect(server.lastError).toMatch(/refused|not answer/);
    const statuses = await db().applicationInstance.findMany({
      where: { serverId: server.id },
      select: { status: true },
    });
    expect(new Set(statuses.map((s) => s.status))).toEqual(new Set(["no_data"]));

    await poll("alpha"); // still down: no second disconnect event
    await sim.control.fault("alpha", { fault: "up" });
    await poll("alpha");
    expect((await instance("jurws_1")).status).toBe("online");
    expect((await instance("my-app_test")).status).toBe("starting");
    const events = await db().event.findMany({
      where: { serverId: server.id, instanceId: null },
      orderBy: { id: "asc" },
      select: { eventType: true },
    });
    expect(events.map((e) => e.eventType)).toEqual(["connect", "disconnect", "connect"]);
    expect(await db().event.count({ where: { eventType: { in: ["start", "stop"] } } })).toBe(0);
  });

  it("keeps the inventory and records the reason when ping works but the apps reply is broken", async () => {
    await poll("alpha");
    for (const fault of [{ fault: "http500" }, { fault: "brokenJson" }, { fault: "wrongShape" }] as const) {
      await sim.control.fault("alpha", fault);
      const outcome = await poll("alpha");
      expect(outcome).toMatchObject({ status: "online", result: "apps_failed" });
      const server = await db().server.findUniqueOrThrow({ where: { name: "alpha" } });
      expect(server.status).toBe("online");
      expect(server.lastError).toBe(outcome.error);
      expect((await instance("jurws_1")).status).toBe("online");
    }
    expect(await db().applicationInstance.count()).toBe(5);
  });
});

describe("failure isolation", () => {
  it("skips a bad app entry with its reason, stores the others, and leaves the bad one's stored instance as it was", async () => {
    await sim.control.fault("alpha", { fault: "badEntry" });
    const outcome = await poll("alpha");
    expect(outcome.result).toBe("updated");
    expect(outcome.skippedApps).toEqual([expect.stringMatching(/^docker-app\[0\] "jurws_1": port/)]);
    expect(await db().applicationInstance.count()).toBe(4);
    await sim.control.fault("alpha", { fault: "clear" });
    await poll("alpha");
    expect((await instance("jurws_1")).status).toBe("online");
    await sim.control.fault("alpha", { fault: "badEntry" });
    await poll("alpha");
    expect((await instance("jurws_1")).status).toBe("online");
    expect((await db().server.findUniqueOrThrow({ where: { name: "alpha" } })).lastError).toMatch(
      /^1 app entry skipped: .*expected/,
    );
  });

  it("polls every other server normally when one is down, slow or broken", async () => {
    await sim.control.fault("alpha", { fault: "down" });
    await sim.control.fault("gamma", { fault: "slow", ms: 10_000 });
    const { summary, outcomes } = await pollServers({}, { agent: { ...agent, timeoutMs: 2_000 } });
    expect(summary).toMatchObject({ servers: 3, online: 1, offline: 2, failures: 2 });
    expect(outcomes.find((o) => o.server === "beta")).toMatchObject({ status: "online", result: "updated" });
    expect(outcomes.find((o) => o.server === "gamma")!.error).toMatch(/did not answer within/);
    expect(await db().applicationInstance.count({ where: { server: { name: "beta" } } })).toBe(1);
  });

  it("refuses a reply over the size limit and keeps what was stored", async () => {
    await poll("alpha");
    await sim.control.fault("alpha", { fault: "oversize", mb: 1 });
    const outcome = await poll("alpha");
    expect(outcome.result).toBe("apps_failed");
    expect(outcome.error).toMatch(/larger than/);
    expect(await db().applicationInstance.count({ where: { status: "online" } })).toBeGreaterThan(0);
  });
});

describe("steady and concurrent polling", () => {
  it("writes nothing but last_check when the reply did not change", async () => {
    await pollServers({}, { agent });
    const before = await db().server.findUniqueOrThrow({ where: { name: "alpha" } });
    const instancesBefore = await db().applicationInstance.findMany({ orderBy: { id: "asc" } });
    const { summary } = await pollServers({}, { agent });
    expect(summary).toMatchObject({ unchanged: 3, updated: 0 });
    const after = await db().server.findUniqueOrThrow({ where: { name: "alpha" } });
    expect(after.lastCheck!.getTime()).toBeGreaterThan(before.lastCheck!.getTime());
    expect(await db().applicationInstance.findMany({ orderBy: { id: "asc" } })).toEqual(instancesBefore);
  });

  it("does a full pass when the stored state moved since the reply was last applied", async () => {
    await poll("alpha");
    // Someone else (an admin, an update task) changed an instance and cleared the fingerprint.
    await db().applicationInstance.updateMany({ where: { instanceName: "jurws_1" }, data: { version: "0.1" } });
    await db().server.update({ where: { name: "alpha" }, data: { appsFingerprint: null } });
    const outcome = await poll("alpha");
    // Only the instance that moved is written: every other stored field reads back equal to the reply's.
    expect(outcome).toMatchObject({ result: "updated", counts: { created: 0, updated: 1, vanished: 0 } });
    expect((await instance("jurws_1")).version).toBe("1.0");
  });

  it("does not record a version change a second time when an update task recorded it while the reply was on its way", async () => {
    await poll("alpha");
    await sim.control.setApp("alpha", "docker", "jurws_1", { version: "2.0" });
    await sim.control.fault("alpha", { fault: "slow", ms: 2_000 });
    const polling = poll("alpha");
    // The agent holds the apps request (its reply has 2.0): the task writes meanwhile.
    await expect
      .poll(async () => (await sim.control.stats()).agents["alpha"]?.inFlight.apps, { interval: 20, timeout: 20_000 })
      .toBe(1);
    const stored = await instance("jurws_1");
    await db().$transaction([
      db().applicationInstance.update({ where: { id: stored.id }, data: { version: "2.0" } }),
      db().applicationVersionHistory.create({
        data: {
          instanceId: stored.id,
          serverName: "alpha",
          instanceName: "jurws_1",
          oldVersion: "1.0",
          newVersion: "2.0",
          oldTag: "1.0",
          newTag: "1.0",
          changedBy: "user",
          changeSource: "update_task",
        },
      }),
    ]);
    expect((await polling).result).toBe("updated");
    const rows = await db().applicationVersionHistory.findMany({ where: { instanceId: stored.id } });
    expect(rows).toMatchObject([{ changeSource: "update_task", newVersion: "2.0" }]);
  });

  it("resolves the same new groups from many polls at once, in any order, without a deadlock or a duplicate", async () => {
    // Each round: 200 new names, asked for by 16 polls at once, each in its own random order.
    for (let round = 0; round < 5; round++) {
      const names = Array.from({ length: 200 }, (_, i) => `r${round}-svc${i}_1`);
      const shuffled = () =>
        names
          .map((n) => [Math.random(), n] as const)
          .sort(([a], [b]) => a - b)
          .map(([, n]) => n);
      const results = await Promise.all(
        Array.from({ length: 16 }, () =>
          resolveGroups(
            dbPool(),
            shuffled().map((instanceName) => ({ instanceName, appType: "service" as const })),
          ),
        ),
      );
      expect(await db().applicationGroup.count({ where: { name: { startsWith: `r${round}-` } } })).toBe(200);
      for (const links of results) expect(new Set([...links.values()].map((l) => l.groupId)).size).toBe(200);
    }
  });

  it("never polls one server twice at once when two triggers overlap", async () => {
    await sim.control.fault("alpha", { fault: "slow", ms: 1_000 }); // the first poll lasts while the others start
    await sim.control.resetStats();
    const target = await db().server.findUniqueOrThrow({ where: { name: "alpha" }, select: pollTargetSelect });
    const [a, b] = await Promise.all([
      pollServer(target, { agent }),
      pollServer(target, { agent }),
      pollServers({}, { agent }),
    ]);
    expect(a).toBe(b);
    const stats = await sim.control.stats();
    expect(stats.agents["alpha"]).toMatchObject({ requests: { apps: 1 }, maxInFlight: { apps: 1 } });
  });
});
