// The reconciliation rules of docs/inventory.md, one by one, on the pure function (no database).
import { describe, expect, it } from "vitest";
import { parseAppsReply } from "@/server/agent/contract";
import { agentFields, reconcile, type StoredInstance } from "@/server/inventory/reconcile";

const now = new Date("2026-11-22T10:00:00Z");
const groups = new Map([
  ["web", { groupId: 1, catalogId: 1 }],
  ["billing", { groupId: 2, catalogId: 2 }],
  ["standalone", { groupId: 3, catalogId: 3 }],
]);

const docker = (name: string, extra: Record<string, unknown> = {}) => ({
  container_name: name,
  container_id: "c1",
  image: "registry/web",
  tag: "1.0",
  version: "1.0",
  status: "running",
  ...extra,
});
const site = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  version: "2.0",
  status: "active",
  path: "/srv/" + name,
  ...extra,
});
const apps = (dockerApps: object[], siteApps: object[] = []) =>
  parseAppsReply({ server: { "docker-app": { applications: dockerApps }, "site-app": { applications: siteApps } } })
    .apps;

let nextId = 100;
function stored(app: ReturnType<typeof apps>[number], over: Partial<StoredInstance> = {}): StoredInstance {
  const group = app.instanceName.replace(/_\d+$/, "");
  return {
    ...agentFields(app),
    id: nextId++,
    instanceName: app.instanceName,
    appType: app.appType,
    groupId: groups.get(group)?.groupId ?? null,
    catalogId: groups.get(group)?.catalogId ?? null,
    instanceNumber: Number(/_(\d+)$/.exec(app.instanceName)?.[1] ?? 0),
    ...over,
  };
}

describe("reconcile", () => {
  it("creates new instances linked to group, catalog and instance number, without history or events", () => {
    const plan = reconcile([], apps([docker("web_2")], [site("standalone")]), groups, now);
    expect(plan.creates).toHaveLength(2);
    expect(plan.creates[0]).toMatchObject({
      instanceName: "web_2",
      appType: "docker",
      groupId: 1,
      catalogId: 1,
      instanceNumber: 2,
      status: "online",
      lastSeen: now,
    });
    expect(plan.creates[1]).toMatchObject({
      instanceName: "standalone",
      appType: "site",
      groupId: 3,
      instanceNumber: 0,
    });
    expect(plan.history).toEqual([]);
    expect(plan.events).toEqual([]);
  });

  it("writes nothing when the reply matches what is stored", () => {
    const reply = apps([docker("web_1")]);
    const plan = reconcile([stored(reply[0]!)], reply, groups, now);
    expect(plan).toMatchObject({ creates: [], updates: [], vanished: [], history: [], events: [] });
  });

  it("records a version change (changed_by agent) and an update event when the version changes", () => {
    const before = stored(apps([docker("web_1")])[0]!);
    const plan = reconcile([before], apps([docker("web_1", { version: "1.1" })]), groups, now);
    expect(plan.history).toEqual([
      expect.objectContaining({
        instanceId: before.id,
        oldVersion: "1.0",
        newVersion: "1.1",
        oldTag: "1.0",
        newTag: "1.0",
      }),
    ]);
    expect(plan.events).toEqual([expect.objectContaining({ instanceId: before.id, eventType: "update" })]);
    expect(plan.updates[0]!.data).toMatchObject({ version: "1.1", lastSeen: now });
  });

  it("records a change when only the tag changes", () => {
    const before = stored(apps([docker("web_1")])[0]!);
    const plan = reconcile([before], apps([docker("web_1", { tag: "1.0-hotfix" })]), groups, now);
    expect(plan.history).toHaveLength(1);
    expect(plan.history[0]).toMatchObject({ oldTag: "1.0", newTag: "1.0-hotfix" });
  });

  it("records no change when both new version and tag are empty", () => {
    const before = stored(apps([docker("web_1")])[0]!);
    const plan = reconcile([before], apps([docker("web_1", { version: "", tag: null })]), groups, now);
    expect(plan.history).toEqual([]);
    expect(plan.updates[0]!.data).toMatchObject({ version: null, tag: null });
  });

  it("records no history when other fields change but version and tag do not", () => {
    const before = stored(apps([docker("web_1")])[0]!);
    const plan = reconcile([before], apps([docker("web_1", { pid: 4242 })]), groups, now);
    expect(plan.updates).toHaveLength(1);
    expect(plan.history).toEqual([]);
  });

  it("marks instances missing from the reply offline (last_seen now) with a stop event when they were online", () => {
    const reply = apps([docker("web_1"), docker("web_2")]);
    const kept = stored(reply[0]!);
    const gone = stored(reply[1]!);
    const alreadyOff = stored(apps([docker("web_3", { status: "stopped" })])[0]!);
    const plan = reconcile([kept, gone, alreadyOff], [reply[0]!], groups, now);
    expect(plan.vanished).toEqual([gone.id]);
    expect(plan.events).toEqual([expect.objectContaining({ instanceId: gone.id, eventType: "stop" })]);
  });

  it("writes start and stop events on status transitions, but not when a server comes back from no_data", () => {
    const reply = apps([docker("web_1", { status: "stopped" }), docker("web_2"), docker("web_3")]);
    const wasOnline = stored(reply[0]!, { status: "online", rawStatus: "running" });
    const wasOffline = stored(reply[1]!, { status: "offline", rawStatus: "stopped" });
    const wasNoData = stored(reply[2]!, { status: "no_data" });
    const plan = reconcile([wasOnline, wasOffline, wasNoData], reply, groups, now);
    expect(plan.events.map((e) => [e.instanceId, e.eventType])).toEqual([
      [wasOnline.id, "stop"],
      [wasOffline.id, "start"],
    ]);
    expect(plan.updates.find((u) => u.id === wasNoData.id)?.data.status).toBe("online");
  });

  it("writes no status event when only the reading of an unchanged raw status changed (the status map)", () => {
    const reply = apps([docker("web_1", { status: "frobbing" }), docker("web_2", { status: "frobbing" })]);
    const rows = [stored(reply[0]!, { status: "unknown" }), stored(reply[1]!, { status: "unknown" })];
    const plan = reconcile(rows, reply, groups, now, [], (appType, raw) =>
      raw === "frobbing" && appType === "docker" ? "online" : "unknown",
    );
    expect(plan.updates.map((u) => u.data)).toEqual([
      { status: "online", lastSeen: now },
      { status: "online", lastSeen: now },
    ]);
    expect(plan.events).toEqual([]);
    expect(plan.history).toEqual([]);
  });

  it("stores the raw status beside the normalised one, and an agent's new raw status is a change", () => {
    const first = apps([docker("web_1", { status: "Up 3 hours" })]);
    expect(reconcile([], first, groups, now).creates[0]).toMatchObject({ status: "online", rawStatus: "Up 3 hours" });
    const plan = reconcile(
      [stored(first[0]!)],
      apps([docker("web_1", { status: "Exited (137) 5 seconds ago" })]),
      groups,
      now,
    );
    expect(plan.updates[0]?.data).toEqual({
      status: "offline",
      rawStatus: "Exited (137) 5 seconds ago",
      lastSeen: now,
    });
    expect(plan.events.map((e) => [e.eventType, e.status])).toEqual([["stop", "offline"]]);
  });

  it("writes a restart event when a running instance's start time changes", () => {
    const first = apps([docker("web_1", { start_time: "2026-11-22T08:00:00Z" })]);
    const plan = reconcile(
      [stored(first[0]!)],
      apps([docker("web_1", { start_time: "2026-11-22T09:30:00Z" })]),
      groups,
      now,
    );
    expect(plan.events.map((e) => e.eventType)).toEqual(["restart"]);
  });

  it("keeps the first of two entries with the same name; the reply parser reports the second", () => {
    const reply = parseAppsReply({
      server: {
        "docker-app": { applications: [docker("web_1", { version: "1" }), docker("web_1", { version: "2" })] },
      },
    });
    expect(reply.rejected).toEqual([expect.objectContaining({ kind: "docker", index: 1, name: "web_1" })]);
    const plan = reconcile([], reply.apps, groups, now);
    expect(plan.creates).toHaveLength(1);
    expect(plan.creates[0]!.version).toBe("1");
  });

  it("treats the same name under two app types as two instances", () => {
    const plan = reconcile([], apps([docker("web_1")], [site("web_1")]), groups, now);
    expect(plan.creates.map((c) => c.appType)).toEqual(["docker", "site"]);
  });
});
