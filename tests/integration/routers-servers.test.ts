// The servers router: the list with counts, one server, admin changes, deletion that keeps
// history readable, and "Poll now" through the real pipeline against simulated agents.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { startSimulator } from "@/tools/fagent-sim";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { callers, errorOf, fieldErrors, makeInstance, makeServer, type Callers } from "./inventory-fixtures";

let as: Callers;
beforeEach(async () => {
  await resetDatabase();
  as = await callers();
});

describe("servers.list", () => {
  beforeEach(async () => {
    const a = await makeServer("web-01", {
      ip: "10.0.0.1",
      status: "online",
      lastCheck: new Date("2026-01-01T00:00:00Z"),
    });
    await makeServer("web-02", { ip: "10.0.0.2", status: "offline", lastError: "connect ECONNREFUSED" });
    await makeServer("db-01", { ip: "10.0.1.1", status: "unknown" });
    await makeInstance(a.id, "jurws", 1, { status: "online" });
    await makeInstance(a.id, "jurws", 2, { status: "online" });
    await makeInstance(a.id, "jurws", 3, { status: "offline" });
  });

  it("returns status, last check, last error and instance counts per status", async () => {
    const page = await as.viewer.servers.list({});
    expect(page.total).toBe(3);
    expect(page.items.map((s) => s.name)).toEqual(["db-01", "web-01", "web-02"]);
    expect(page.items[1]).toMatchObject({
      status: "online",
      instanceCounts: { online: 2, offline: 1 },
      instanceTotal: 3,
    });
    expect(page.items[2]).toMatchObject({ status: "offline", lastError: "connect ECONNREFUSED", instanceTotal: 0 });
    expect(page.items[0]).not.toHaveProperty("agentToken");
  });

  it("searches name and IP, filters by status, sorts and pages", async () => {
    expect((await as.viewer.servers.list({ q: "WEB" })).items.map((s) => s.name)).toEqual(["web-01", "web-02"]);
    expect((await as.viewer.servers.list({ q: "10.0.1." })).items.map((s) => s.name)).toEqual(["db-01"]);
    expect((await as.viewer.servers.list({ status: "offline" })).items.map((s) => s.name)).toEqual(["web-02"]);
    expect((await as.viewer.servers.list({ sort: "status" })).items.map((s) => s.status)).toEqual([
      "online",
      "offline",
      "unknown",
    ]);
    expect((await as.viewer.servers.list({ sort: "name", dir: "desc" })).items[0]!.name).toBe("web-02");
    expect((await as.viewer.servers.list({ sort: "lastCheck", dir: "desc" })).items[0]!.name).toBe("web-01");
    const second = await as.viewer.servers.list({ page: 2, pageSize: 2 });
    expect(second).toMatchObject({ total: 3, page: 2, pageCount: 2 });
    expect(second.items.map((s) => s.name)).toEqual(["web-02"]);
  });
});

describe("servers.options", () => {
  const names = (list: { name: string }[]) => list.map((s) => s.name);

  it("lists every server of a small fleet; of a large one the first 101 and the one asked for", async () => {
    await makeServer("b-node", { isHaproxyNode: true });
    expect(names(await as.viewer.servers.options())).toEqual(["b-node"]);
    await db().server.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        name: `a-${String(i).padStart(3, "0")}`,
        ip: "10.1.0.1",
        port: i + 1,
      })),
    });
    const first = await as.viewer.servers.options();
    expect(first).toHaveLength(101);
    expect(names(first).at(-1)).toBe("a-100");
    const named = await as.viewer.servers.options({ name: "A-119" }); // any case: the filter's text field
    expect(names(named)).toContain("a-119");
    const byId = await db().server.findUniqueOrThrow({ where: { name: "a-110" } });
    expect(names(await as.viewer.servers.options({ id: byId.id }))).toContain("a-110");
    expect(names(await as.viewer.servers.options({ haproxyNodes: true }))).toEqual(["b-node"]);
  });

  it("matches the name asked for exactly: LIKE wildcards in it do not bring the whole fleet back", async () => {
    await db().server.createMany({
      data: Array.from({ length: 150 }, (_, i) => ({
        name: `srv_${String(i).padStart(3, "0")}`,
        ip: "10.1.0.1",
        port: i + 1,
      })),
    });
    const beyondTheFirst = (list: { name: string }[]) => names(list).filter((n) => n > "srv_100");
    expect(beyondTheFirst(await as.viewer.servers.options({ name: "%" }))).toEqual([]);
    expect(beyondTheFirst(await as.viewer.servers.options({ name: "srv_14_" }))).toEqual([]);
    expect(beyondTheFirst(await as.viewer.servers.options({ name: "SRV_149" }))).toEqual(["srv_149"]);
  });
});

describe("servers.get", () => {
  it("groups the apps per type, with the last error and the status timeline, never the agent token", async () => {
    const server = await makeServer("app-01", { agentToken: "s3cret", lastError: "2 app entries skipped" });
    await makeInstance(server.id, "jurws", 1, { appType: "docker", tag: "1.4" });
    await makeInstance(server.id, "portal", 1, { appType: "site", version: "5.0" });
    await db().event.createMany({
      data: [
        {
          serverId: server.id,
          eventType: "disconnect",
          status: "offline",
          description: "Agent of app-01 does not answer",
          timestamp: new Date("2026-01-01T00:00:00Z"),
        },
        {
          serverId: server.id,
          eventType: "connect",
          status: "online",
          description: "Agent of app-01 is answering",
          timestamp: new Date("2026-01-01T00:05:00Z"),
        },
        { serverId: server.id, eventType: "update", status: "online", description: "not a status change" },
      ],
    });
    const detail = await as.viewer.servers.get({ id: server.id });
    expect(
      detail.byType.map((t) => [t.appType, t.instances.map((i) => `${i.instanceName}@${i.currentVersion}`)]),
    ).toEqual([
      ["docker", ["jurws_1@1.4"]],
      ["site", ["portal_1@5.0"]],
    ]);
    expect(detail).toMatchObject({ lastError: "2 app entries skipped", hasAgentToken: true, instanceTotal: 2 });
    expect(detail.statusEvents.map((e) => e.eventType)).toEqual(["connect", "disconnect"]);
    expect(JSON.stringify(detail)).not.toContain("s3cret");
  });

  it("unknown id is NOT_FOUND", async () => {
    const error = await errorOf(as.viewer.servers.get({ id: 424242 }));
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "Server not found" });
  });
});

describe("servers.create / update / delete", () => {
  it("admins create; the input is validated field by field; duplicates are CONFLICT", async () => {
    const created = await as.admin.servers.create({ name: "new-01", ip: "10.1.1.1", port: 9100, agentToken: "t" });
    expect(created).toMatchObject({ name: "new-01", isHaproxyNode: false });
    expect(created).not.toHaveProperty("agentToken");
    const errors = await fieldErrors(as.admin.servers.create({ name: "bad name!", ip: "999.1.1.1", port: 70000 }));
    expect(errors).toMatchObject({
      name: ["letters, digits and . _ - only"],
      ip: ["must be an IPv4 or IPv6 address"],
      port: ["1–65535"],
    });
    const duplicate = await errorOf(as.admin.servers.create({ name: "new-01", ip: "10.1.1.2", port: 9100 }));
    expect(duplicate.code).toBe("CONFLICT");
    expect(duplicate.message).toBe('A server named "new-01" already exists');
    expect((await errorOf(as.admin.servers.create({ name: "new-02", ip: "10.1.1.1", port: 9100 }))).message).toBe(
      "Another server already uses 10.1.1.1:9100",
    );
  });

  it("an update changes only the fields it names; an absent token is kept, an empty one cleared", async () => {
    const server = await makeServer("edit-01", { isHaproxyNode: true, agentToken: "keep-me" });
    await as.admin.servers.update({ id: server.id, name: "edit-02" });
    let stored = await db().server.findUniqueOrThrow({ where: { id: server.id }, omit: { agentToken: false } });
    expect(stored).toMatchObject({ name: "edit-02", isHaproxyNode: true, agentToken: "keep-me" });
    await as.admin.servers.update({ id: server.id, agentToken: "" });
    stored = await db().server.findUniqueOrThrow({ where: { id: server.id }, omit: { agentToken: false } });
    expect(stored.agentToken).toBeNull();
    expect((await errorOf(as.admin.servers.update({ id: 999_999, name: "x" }))).code).toBe("NOT_FOUND");
  });

  it("viewers and operators are FORBIDDEN, no caller is UNAUTHORIZED", async () => {
    const server = await makeServer("guarded");
    for (const caller of [as.viewer, as.operator]) {
      expect((await errorOf(caller.servers.create({ name: "x", ip: "10.9.9.9", port: 1 }))).code).toBe("FORBIDDEN");
      expect((await errorOf(caller.servers.update({ id: server.id, name: "y" }))).code).toBe("FORBIDDEN");
      expect((await errorOf(caller.servers.delete({ id: server.id }))).code).toBe("FORBIDDEN");
    }
    expect((await errorOf(as.anonymous.servers.list({}))).code).toBe("UNAUTHORIZED");
    expect((await errorOf(as.viewer.servers.pollNow({ serverId: server.id }))).code).toBe("FORBIDDEN");
  });

  it("deleting a server keeps its history readable: events keep their text, version rows their names", async () => {
    const server = await makeServer("gone-01");
    const instance = await makeInstance(server.id, "billing", 1, { version: "2.0" });
    await db().event.create({
      data: { serverId: server.id, instanceId: instance.id, eventType: "update", description: "billing_1: 1.0 → 2.0" },
    });
    await db().applicationVersionHistory.create({
      data: {
        instanceId: instance.id,
        serverName: "gone-01",
        instanceName: "billing_1",
        oldVersion: "1.0",
        newVersion: "2.0",
        changedBy: "agent",
        changeSource: "polling",
      },
    });
    expect(await as.admin.servers.delete({ id: server.id })).toEqual({ id: server.id, name: "gone-01" });

    expect(await db().applicationInstance.count({ where: { serverId: server.id } })).toBe(0);
    const events = await as.viewer.events.list({});
    expect(events.items[0]).toMatchObject({ description: "billing_1: 1.0 → 2.0", server: null, instance: null });
    const changes = await as.viewer.versions.recent({});
    expect(changes.items[0]).toMatchObject({
      instanceId: null,
      serverName: "gone-01",
      instanceName: "billing_1",
      newVersion: "2.0",
    });
    expect((await errorOf(as.viewer.servers.get({ id: server.id }))).code).toBe("NOT_FOUND");
  });
});

describe("servers.pollNow", () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        mode: "address",
        baseAddress: "127.0.91.2",
        port: 0,
        agents: [
          {
            name: "live",
            apps: { docker: [{ container_name: "jurws_1", image: "reg/jurws", tag: "1.0", status: "running" }] },
          },
        ],
      },
    });
  });
  afterAll(() => sim.stop());

  it("an operator polls one server and gets its outcome; the inventory is stored", async () => {
    const agent = sim.agents[0]!;
    const server = await makeServer("live", { ip: agent.ip, port: agent.port });
    const result = await as.operator.servers.pollNow({ serverId: server.id });
    expect(result.summary).toMatchObject({ servers: 1, online: 1, failures: 0 });
    expect(result.outcomes).toEqual([
      expect.objectContaining({ server: "live", status: "online", result: "updated", error: null }),
    ]);
    const detail = await as.viewer.servers.get({ id: server.id });
    expect(detail).toMatchObject({ status: "online", instanceTotal: 1 });
  });

  it("all: true polls every server; an unreachable agent is reported, not thrown", async () => {
    const agent = sim.agents[0]!;
    await makeServer("live", { ip: agent.ip, port: agent.port });
    await makeServer("dead", { ip: "127.0.91.250", port: 1 });
    const result = await as.admin.servers.pollNow({ all: true });
    expect(result.summary).toMatchObject({ servers: 2, online: 1, offline: 1, failures: 1 });
    const dead = result.outcomes.find((o) => o.server === "dead")!;
    expect(dead).toMatchObject({ status: "offline", result: "offline" });
    expect(dead.error).toBeTruthy();
  });

  it("needs exactly one of serverId and all; an unknown server is NOT_FOUND", async () => {
    expect((await errorOf(as.operator.servers.pollNow({}))).code).toBe("BAD_REQUEST");
    expect((await errorOf(as.operator.servers.pollNow({ serverId: 1, all: true }))).code).toBe("BAD_REQUEST");
    expect((await errorOf(as.operator.servers.pollNow({ serverId: 999_999 }))).code).toBe("NOT_FOUND");
  });
});
