// The versions and events routers: history of an instance, a group and the fleet; the event
// log with its filters and pages.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { callers, errorOf, fieldErrors, makeGroup, makeInstance, makeServer, type Callers } from "./inventory-fixtures";

let as: Callers;
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
let web: { id: number };
let api1: { id: number; instanceName: string };
let api2: { id: number; instanceName: string };

beforeAll(async () => {
  as = await callers();
  web = await makeServer("web-01");
  const other = await makeServer("web-02");
  api1 = await makeInstance(web.id, "api", 1, { version: "3" });
  api2 = await makeInstance(other.id, "api", 2, { version: "2" });
  const lone = await makeInstance(other.id, "lone", 1, { version: "9" });
  const change = (
    instance: { id: number; instanceName: string },
    server: string,
    from: string,
    to: string,
    minute: number,
  ) => ({
    instanceId: instance.id,
    serverName: server,
    instanceName: instance.instanceName,
    oldVersion: from,
    newVersion: to,
    changedAt: at(minute),
    changedBy: "agent" as const,
    changeSource: "polling" as const,
  });
  await db().applicationVersionHistory.createMany({
    data: [
      change(api1, "web-01", "1", "2", 1),
      change(api1, "web-01", "2", "3", 5),
      change(api2, "web-02", "1", "2", 3),
      change(lone, "web-02", "8", "9", 4),
    ],
  });
  await db().event.createMany({
    data: [
      { serverId: web.id, eventType: "disconnect", status: "offline", description: "web-01 down", timestamp: at(0) },
      { serverId: web.id, eventType: "connect", status: "online", description: "web-01 up", timestamp: at(2) },
      {
        serverId: web.id,
        instanceId: api1.id,
        eventType: "update",
        status: "online",
        description: "api_1: 2 → 3",
        timestamp: at(5),
      },
      {
        serverId: other.id,
        instanceId: api2.id,
        eventType: "restart",
        status: "online",
        description: "api_2 restarted",
        timestamp: at(6),
      },
      {
        serverId: other.id,
        instanceId: lone.id,
        eventType: "stop",
        status: "offline",
        description: "lone_1 is offline",
        timestamp: at(7),
      },
    ],
  });
});

describe("versions", () => {
  it("forInstance: that instance's changes, newest first", async () => {
    const page = await as.viewer.versions.forInstance({ instanceId: api1.id });
    expect(page.items.map((c) => `${c.oldVersion}→${c.newVersion}`)).toEqual(["2→3", "1→2"]);
    expect(page.total).toBe(2);
  });

  it("forGroup: the group's instances across servers", async () => {
    const group = await makeGroup("api");
    const page = await as.viewer.versions.forGroup({ groupId: group.id });
    expect(page.items.map((c) => `${c.serverName}/${c.instanceName}`)).toEqual([
      "web-01/api_1",
      "web-02/api_2",
      "web-01/api_1",
    ]);
  });

  it("recent: fleet-wide, paginated, optionally since a time", async () => {
    const first = await as.viewer.versions.recent({ pageSize: 3 });
    expect(first).toMatchObject({ total: 4, pageCount: 2 });
    expect(first.items.map((c) => c.instanceName)).toEqual(["api_1", "lone_1", "api_2"]);
    expect((await as.viewer.versions.recent({ page: 2, pageSize: 3 })).items.map((c) => c.instanceName)).toEqual([
      "api_1",
    ]);
    expect((await as.viewer.versions.recent({ since: at(4) })).items.map((c) => c.instanceName)).toEqual([
      "api_1",
      "lone_1",
    ]);
  });

  it("unknown instance or group is NOT_FOUND; no caller is UNAUTHORIZED", async () => {
    expect((await errorOf(as.viewer.versions.forInstance({ instanceId: 999_999 }))).code).toBe("NOT_FOUND");
    expect((await errorOf(as.viewer.versions.forGroup({ groupId: 999_999 }))).code).toBe("NOT_FOUND");
    expect((await errorOf(as.anonymous.versions.recent({}))).code).toBe("UNAUTHORIZED");
  });
});

describe("events.list", () => {
  const descriptions = async (input: Parameters<Callers["viewer"]["events"]["list"]>[0]) =>
    (await as.viewer.events.list(input)).items.map((e) => e.description);

  it("newest first, with server and instance links", async () => {
    const page = await as.viewer.events.list({});
    expect(page.total).toBe(5);
    expect(page.items[0]).toMatchObject({
      description: "lone_1 is offline",
      eventType: "stop",
      server: { name: "web-02" },
      instance: { instanceName: "lone_1" },
    });
  });

  it("filters by type, server, instance and time range (inclusive), combined", async () => {
    expect(await descriptions({ type: "connect" })).toEqual(["web-01 up"]);
    expect(await descriptions({ serverId: web.id })).toEqual(["api_1: 2 → 3", "web-01 up", "web-01 down"]);
    expect(await descriptions({ instanceId: api2.id })).toEqual(["api_2 restarted"]);
    expect(await descriptions({ from: at(2), to: at(6) })).toEqual(["api_2 restarted", "api_1: 2 → 3", "web-01 up"]);
    expect(await descriptions({ serverId: web.id, from: at(1) })).toEqual(["api_1: 2 → 3", "web-01 up"]);
  });

  it("pages", async () => {
    const second = await as.viewer.events.list({ page: 2, pageSize: 2 });
    expect(second).toMatchObject({ total: 5, page: 2, pageCount: 3 });
    expect(second.items.map((e) => e.description)).toEqual(["api_1: 2 → 3", "web-01 up"]);
  });

  it("a range that ends before it starts, or a bad type, is a field error", async () => {
    const errors = await fieldErrors(as.viewer.events.list({ from: at(5), to: at(1) }));
    expect(errors.to).toEqual(["must not be before the start of the range"]);
    expect((await fieldErrors(as.viewer.events.list({ type: "explode" as never }))).type?.[0]).toMatch(
      /must be one of start, stop/,
    );
  });
});
