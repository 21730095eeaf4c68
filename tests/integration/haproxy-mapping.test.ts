// Mapping HAProxy servers to application instances after a sync (simulated agent on 127.0.99.60):
// auto-mapping by address and group name, ambiguity left unmapped with the reason, manual mapping
// that auto-mapping never overwrites, unmapping; the instance-management API for admins.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { serversMappedToInstances } from "@/server/haproxy/commands";
import { resetBreaker } from "@/server/haproxy/breaker";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import { syncInstance } from "@/server/haproxy/sync";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { startSimulator, type BackendSpec, type Simulator } from "@/tools/fagent-sim";
import { callers, errorOf, fieldErrors, makeInstance, makeServer, type Callers } from "./inventory-fixtures";

const AGENT = "lb-map";
let sim: Simulator;
let as: Callers;
let lbId: number;
const ids: Record<string, number> = {};

const server = (name: string, address: string) => ({
  name,
  address,
  status: "UP",
  weight: 1,
  current_sessions: 0,
  max_sessions: null,
});
const backends: BackendSpec[] = [
  {
    name: "be_shop",
    servers: [
      server("by-ip", "10.1.0.1:8080"), // web-1's shop_1
      server("by-name", "web-2.dc1.local:8080"), // web-2's shop_2
      server("by-group", "10.1.0.1:9999"), // nothing on that port: group "shop" on web-1
      server("twins", "10.1.0.9:8080"), // two AC servers share this IP
      server("nowhere", "10.9.9.9:8080"),
    ],
  },
  { name: "be_cart", servers: [server("cart-a", "10.1.0.2:7000")] }, // two cart instances on web-2, no port match
];

const mappingOf = async (name: string) =>
  db().hAProxyServer.findFirstOrThrow({
    where: { serverName: name },
    select: { id: true, applicationInstanceId: true, mappingType: true, mappingNote: true },
  });

beforeAll(async () => {
  sim = await startSimulator({
    scenario: { baseAddress: "127.0.99.60", port: 0, agents: [{ name: AGENT, haproxy: [{ name: "lb1", backends }] }] },
  });
  setHaproxyOptions({
    agent: { timeoutMs: 2_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" },
    retries: 0,
  });
});
afterAll(async () => {
  setHaproxyOptions(undefined);
  await sim.stop();
});
beforeEach(async () => {
  await resetDatabase();
  await resetBreaker();
  as = await callers();
  const web1 = await makeServer("web-1", { ip: "10.1.0.1" });
  const web2 = await makeServer("web-2", { ip: "10.1.0.2" });
  await makeServer("twin-a", { ip: "10.1.0.9" });
  await makeServer("twin-b", { ip: "10.1.0.9" });
  ids.web1shop1 = (await makeInstance(web1.id, "shop", 1, { port: 8080 })).id;
  ids.web1shop3 = (await makeInstance(web1.id, "shop", 3, { port: 8082 })).id;
  ids.web2shop2 = (await makeInstance(web2.id, "shop", 2, { port: 8080 })).id;
  ids.web2cart1 = (await makeInstance(web2.id, "cart", 1, { port: 7001 })).id;
  ids.web2cart2 = (await makeInstance(web2.id, "cart", 2, { port: 7002 })).id;
  // "by-group" must be decided by the group alone: web-1 has two shop instances, so drop one.
  await db().applicationInstance.delete({ where: { id: ids.web1shop3 } });
  const a = sim.agents[0]!;
  const lbServer = await makeServer(AGENT, { ip: a.ip, port: a.port });
  lbId = (await db().hAProxyInstance.create({ data: { name: "lb1", serverId: lbServer.id } })).id;
});

describe("auto-mapping after a sync", () => {
  it("maps by IP and port, by host name, by group name; leaves ambiguous and unknown addresses unmapped with the reason", async () => {
    const outcome = await syncInstance(lbId);
    expect(outcome.mapping).toEqual({ considered: 6, mapped: 3, unmapped: 3, changed: 6 });
    expect(await mappingOf("by-ip")).toMatchObject({
      applicationInstanceId: ids.web1shop1,
      mappingType: "auto",
      mappingNote: "web-1 port 8080",
    });
    expect(await mappingOf("by-name")).toMatchObject({ applicationInstanceId: ids.web2shop2, mappingType: "auto" });
    expect(await mappingOf("by-group")).toMatchObject({
      applicationInstanceId: ids.web1shop1,
      mappingType: "auto",
      mappingNote: "web-1, group shop",
    });
    expect(await mappingOf("twins")).toMatchObject({
      applicationInstanceId: null,
      mappingType: null,
      mappingNote: "ambiguous: 10.1.0.9 matches servers twin-a, twin-b",
    });
    expect(await mappingOf("nowhere")).toMatchObject({
      applicationInstanceId: null,
      mappingNote: "no AC server named or addressed 10.9.9.9",
    });
    expect((await mappingOf("cart-a")).mappingNote).toMatch(
      /^ambiguous: 2 instances on web-2 in a group named like be_cart/,
    );
    // The summary counts them in the same pass as their statuses.
    expect((await as.viewer.haproxy.summary()).servers).toEqual({
      total: 6,
      mapped: 3,
      byStatus: { UP: 6, DOWN: 0, DRAIN: 0, MAINT: 0, NOLB: 0, other: 0 },
    });
  });

  it("follows the inventory: an instance that moves to the address's port is mapped at the next sync", async () => {
    await syncInstance(lbId);
    await db().applicationInstance.update({ where: { id: ids.web2cart1 }, data: { port: 7000 } });
    await syncInstance(lbId);
    expect(await mappingOf("cart-a")).toMatchObject({
      applicationInstanceId: ids.web2cart1,
      mappingType: "auto",
      mappingNote: "web-2 port 7000",
    });
  });

  it("serversMappedToInstances lists live mapped servers with their labels, for the update tasks", async () => {
    await syncInstance(lbId);
    const byIp = await mappingOf("by-ip");
    expect(await serversMappedToInstances([ids.web1shop1!, ids.web2cart1!])).toEqual([
      { haproxyServerId: byIp.id, instanceId: ids.web1shop1, label: "lb1/be_shop/by-ip", status: "UP" },
      {
        haproxyServerId: (await mappingOf("by-group")).id,
        instanceId: ids.web1shop1,
        label: "lb1/be_shop/by-group",
        status: "UP",
      },
    ]);
  });
});

describe("manual mapping", () => {
  it("wins over auto-mapping and survives later syncs; unmapping lets auto-mapping decide again", async () => {
    await syncInstance(lbId);
    const twins = await mappingOf("twins");
    const byIp = await mappingOf("by-ip");
    await as.operator.haproxy.map({ haproxyServerId: twins.id, applicationInstanceId: ids.web2cart2! });
    await as.operator.haproxy.map({ haproxyServerId: byIp.id, applicationInstanceId: ids.web2cart1! }); // overrides an auto mapping
    await syncInstance(lbId);
    expect(await mappingOf("twins")).toMatchObject({
      applicationInstanceId: ids.web2cart2,
      mappingType: "manual",
      mappingNote: "manual, by test-operator",
    });
    expect(await mappingOf("by-ip")).toMatchObject({ applicationInstanceId: ids.web2cart1, mappingType: "manual" });

    const unmapped = await as.operator.haproxy.unmap({ haproxyServerId: byIp.id });
    expect(unmapped).toMatchObject({ mappingType: "auto", applicationInstance: { id: ids.web1shop1 } });
    expect(await mappingOf("twins")).toMatchObject({ mappingType: "manual" });
  });

  it("is for operators; a viewer is FORBIDDEN; a missing instance is a clear error", async () => {
    await syncInstance(lbId);
    const twins = await mappingOf("twins");
    expect(
      (await errorOf(as.viewer.haproxy.map({ haproxyServerId: twins.id, applicationInstanceId: ids.web1shop1! }))).code,
    ).toBe("FORBIDDEN");
    const missing = await errorOf(
      as.operator.haproxy.map({ haproxyServerId: twins.id, applicationInstanceId: 999_999 }),
    );
    expect(missing.code).toBe("BAD_REQUEST");
    expect(missing.message).toMatch(/999999 does not exist/);
  });

  it("offers instances on the address's host first, then name matches", async () => {
    await syncInstance(lbId);
    const byName = await mappingOf("by-name");
    const offered = await as.operator.haproxy.mappingCandidates({ haproxyServerId: byName.id, q: "shop_1" });
    expect(offered.map((i) => [i.server.name, i.instanceName, i.onAddressHost])).toEqual([
      ["web-2", "cart_1", true],
      ["web-2", "cart_2", true],
      ["web-2", "shop_2", true],
      ["web-1", "shop_1", false],
    ]);
  });
});

describe("instance management", () => {
  it("admins create, update (backend selection) and delete instances; others are FORBIDDEN; input is validated", async () => {
    const web1 = await db().server.findFirstOrThrow({ where: { name: "web-1" } });
    const created = await as.admin.haproxy.createInstance({
      name: "edge",
      serverId: web1.id,
      backendFilter: ["be_a", "/^api/"],
    });
    expect(created).toMatchObject({
      name: "edge",
      isActive: true,
      backendFilter: ["be_a", "/^api/"],
      socketPath: null,
    });
    expect((await db().server.findUniqueOrThrow({ where: { id: web1.id } })).isHaproxyNode).toBe(true);
    expect((await errorOf(as.admin.haproxy.createInstance({ name: "edge", serverId: web1.id }))).code).toBe("CONFLICT");
    expect((await errorOf(as.operator.haproxy.createInstance({ name: "x", serverId: web1.id }))).code).toBe(
      "FORBIDDEN",
    );
    expect(
      await fieldErrors(as.admin.haproxy.updateInstance({ id: created.id, backendFilter: ["/(/"] })),
    ).toHaveProperty("backendFilter");

    expect(await as.admin.haproxy.updateInstance({ id: created.id, isActive: false, backendFilter: [] })).toMatchObject(
      { isActive: false, backendFilter: [] },
    );
    expect((await as.viewer.haproxy.instances({ serverId: web1.id })).map((i) => [i.name, i.selection])).toEqual([
      ["edge", "all backends"],
    ]);
    await as.admin.haproxy.deleteInstance({ id: created.id });
    expect(await as.viewer.haproxy.instances({ serverId: web1.id })).toEqual([]);
  });

  it("deleting an instance keeps the action log readable", async () => {
    await syncInstance(lbId);
    const byIp = await mappingOf("by-ip");
    await as.operator.haproxy.command({ haproxyServerId: byIp.id, command: "drain" });
    await as.admin.haproxy.deleteInstance({ id: lbId });
    expect((await as.viewer.haproxy.actions({})).items.map((a) => [a.target, a.result])).toEqual([
      ["lb1/be_shop/by-ip", "success"],
    ]);
  });
});
