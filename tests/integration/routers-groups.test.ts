// The groups and catalog routers: counts and version drift, a group across servers, and the
// admin edits of group and catalog settings.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { GROUP_INSTANCE_LIMIT } from "@/server/inventory/queries/groups";
import { callers, errorOf, fieldErrors, makeGroup, makeInstance, makeServer, type Callers } from "./inventory-fixtures";

/** Inside PLAYBOOK_DIRS (its default, the repo's ansible/): paths outside are refused (tests/security/playbook-paths.test.ts). */
const PB = path.resolve("ansible");
let as: Callers;
let jurws: Awaited<ReturnType<typeof makeGroup>>;
let steady: Awaited<ReturnType<typeof makeGroup>>;

beforeAll(async () => {
  as = await callers();
  const [a, b, c] = [await makeServer("a-01"), await makeServer("b-01"), await makeServer("c-01")];
  jurws = await makeGroup("jurws");
  steady = await makeGroup("steady");
  await makeInstance(a.id, "jurws", 1, { version: "1.4.2" });
  await makeInstance(b.id, "jurws", 2, { version: "1.4.2", status: "offline" });
  await makeInstance(c.id, "jurws", 3, { tag: "1.5.0", customPlaybookPath: `${PB}/own.yml` });
  await makeInstance(c.id, "jurws", 4); // no version reported: not drift
  await makeInstance(a.id, "steady", 1, { version: "7" });
  await makeInstance(b.id, "steady", 2, { version: "7" });
  await makeGroup("empty");
});

describe("groups.list", () => {
  it("counts instances (and online ones) and flags version drift", async () => {
    const page = await as.viewer.groups.list({});
    const byName = Object.fromEntries(page.items.map((g) => [g.name, g]));
    expect(byName.jurws).toMatchObject({
      instances: 4,
      online: 3,
      versions: 2,
      drift: true,
      catalog: { name: "jurws" },
    });
    expect(byName.steady).toMatchObject({ instances: 2, versions: 1, drift: false });
    expect(byName.empty).toMatchObject({ instances: 0, drift: false });
  });

  it("filters by drift, name and catalog entry", async () => {
    expect((await as.viewer.groups.list({ drift: true })).items.map((g) => g.name)).toEqual(["jurws"]);
    expect((await as.viewer.groups.list({ q: "STEAD" })).items.map((g) => g.name)).toEqual(["steady"]);
    expect((await as.viewer.groups.list({ catalogId: steady.catalogId! })).items.map((g) => g.name)).toEqual([
      "steady",
    ]);
  });
});

describe("groups.get", () => {
  it("lists every instance across servers with version and status, marking the ones off the common version", async () => {
    const group = await as.viewer.groups.get({ id: jurws.id });
    expect(group.instances.map((i) => [i.server.name, i.instanceName, i.currentVersion, i.status, i.drifted])).toEqual([
      ["a-01", "jurws_1", "1.4.2", "online", false],
      ["b-01", "jurws_2", "1.4.2", "offline", false],
      ["c-01", "jurws_3", "1.5.0", "online", true],
      ["c-01", "jurws_4", null, "online", false],
    ]);
    expect(group).toMatchObject({ drift: true, commonVersion: "1.4.2", instanceCount: 4, truncated: false });
    expect(group.versions).toEqual([
      { version: "1.4.2", count: 2 },
      { version: "1.5.0", count: 1 },
      { version: null, count: 1 },
    ]);
    expect(group.instances.find((i) => i.instanceName === "jurws_3")!.hasOverrides).toBe(true);
  });

  it("shows the group-level effective settings with their source, and follows edits", async () => {
    expect((await as.viewer.groups.get({ id: steady.id })).effective.playbookPath.source).toBe("default");
    await as.admin.catalog.updateSettings({
      id: steady.catalogId!,
      defaultPlaybookPath: `${PB}/steady-cat.yml`,
      defaultArtifactExt: "jar",
    });
    let group = await as.viewer.groups.get({ id: steady.id });
    expect(group.effective.playbookPath).toEqual({ value: `${PB}/steady-cat.yml`, source: "catalog" });
    expect(group.catalog).toMatchObject({ defaultArtifactExt: "jar" });
    const updated = await as.admin.groups.updateSettings({
      id: steady.id,
      updatePlaybookPath: `${PB}/steady.yaml`,
      description: "Core API",
    });
    expect(updated.effective.playbookPath).toEqual({ value: `${PB}/steady.yaml`, source: "group" });
    group = await as.viewer.groups.get({ id: steady.id });
    expect(group).toMatchObject({ description: "Core API", updatePlaybookPath: `${PB}/steady.yaml` });
    await as.admin.groups.updateSettings({ id: steady.id, updatePlaybookPath: null });
    expect((await as.viewer.groups.get({ id: steady.id })).effective.playbookPath.source).toBe("catalog");
  });

  it("unknown group is NOT_FOUND", async () => {
    expect(await errorOf(as.viewer.groups.get({ id: 999_999 }))).toMatchObject({
      code: "NOT_FOUND",
      message: "Application group not found",
    });
  });
});

describe("groups.updateSettings", () => {
  it("stores the batch strategy; fixed_size needs a batch size (field error, or a message when it would be cleared)", async () => {
    const errors = await fieldErrors(
      as.admin.groups.updateSettings({ id: jurws.id, batchGroupingStrategy: "fixed_size", batchSize: null }),
    );
    expect(errors.batchSize).toEqual(["required for the fixed_size strategy"]);
    await as.admin.groups.updateSettings({ id: jurws.id, batchGroupingStrategy: "fixed_size", batchSize: 3 });
    expect(await db().applicationGroup.findUniqueOrThrow({ where: { id: jurws.id } })).toMatchObject({
      batchGroupingStrategy: "fixed_size",
      batchSize: 3,
    });
    const clearing = await errorOf(as.admin.groups.updateSettings({ id: jurws.id, batchSize: null }));
    expect(clearing.code).toBe("BAD_REQUEST");
    expect(clearing.message).toMatch(/needs a batch size/);
  });

  it("validates every field with a message", async () => {
    const errors = await fieldErrors(
      as.admin.groups.updateSettings({
        id: jurws.id,
        updatePlaybookPath: "/etc/playbook.txt",
        artifactListUrl: "not a url",
        artifactExtension: "../x",
        batchGroupingStrategy: "random" as never,
        batchSize: 0,
      }),
    );
    expect(Object.keys(errors).sort()).toEqual([
      "artifactExtension",
      "artifactListUrl",
      "batchGroupingStrategy",
      "batchSize",
      "updatePlaybookPath",
    ]);
    expect(errors.batchGroupingStrategy?.[0]).toMatch(/one_at_a_time/);
  });

  it("is for admins only; unknown ids are NOT_FOUND", async () => {
    expect((await errorOf(as.operator.groups.updateSettings({ id: jurws.id, description: "x" }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await errorOf(as.viewer.catalog.updateSettings({ id: jurws.catalogId!, description: "x" }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await errorOf(as.anonymous.groups.list({}))).code).toBe("UNAUTHORIZED");
    expect((await errorOf(as.admin.groups.updateSettings({ id: 999_999, description: "x" }))).code).toBe("NOT_FOUND");
    expect((await errorOf(as.admin.catalog.updateSettings({ id: 999_999, description: "x" }))).code).toBe("NOT_FOUND");
  });
});

describe("catalog", () => {
  it("lists entries with their group and instance counts, and shows one with its groups", async () => {
    const page = await as.viewer.catalog.list({ q: "jur" });
    expect(page.items).toEqual([
      expect.objectContaining({ name: "jurws", appType: "docker", _count: { groups: 1, instances: 4 } }),
    ]);
    const entry = await as.viewer.catalog.get({ id: jurws.catalogId! });
    expect(entry.groups).toEqual([{ id: jurws.id, name: "jurws" }]);
    expect((await errorOf(as.viewer.catalog.get({ id: 999_999 }))).code).toBe("NOT_FOUND");
  });
});

// Last in the file: its group would change the counts the lists above check.
describe("groups.get on a group larger than a page", () => {
  it("returns the first GROUP_INSTANCE_LIMIT instances by server name and says there are more", async () => {
    const servers = [];
    for (let n = GROUP_INSTANCE_LIMIT; n >= 0; n--) servers.push(await makeServer(`big-${String(n).padStart(3, "0")}`));
    for (const [n, server] of servers.entries()) await makeInstance(server.id, "big", n + 1, { version: "1" });
    const group = await as.viewer.groups.get({ id: (await makeGroup("big")).id });
    expect(group).toMatchObject({ instanceCount: GROUP_INSTANCE_LIMIT + 1, truncated: true });
    expect(group.instances.map((i) => i.server.name)).toEqual(
      Array.from({ length: GROUP_INSTANCE_LIMIT }, (_, n) => `big-${String(n).padStart(3, "0")}`),
    );
  });
});
