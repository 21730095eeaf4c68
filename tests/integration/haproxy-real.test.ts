// The HAProxy module against a real HAProxy (Debian's package, tools/haproxy-lab) behind a
// simulated agent on 127.0.99.x: sync, health checks, commands checked in HAProxy itself,
// refused commands, soft delete on reload, selective polling. Every wait is bounded.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { runServerCommand } from "@/server/haproxy/commands";
import { resetBreaker } from "@/server/haproxy/breaker";
import { invalidateLive } from "@/server/haproxy/live";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import { syncInstance } from "@/server/haproxy/sync";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { listenStub, serverStates, startHaproxyLab, type HaproxyLab, type LabSpec } from "@/tools/haproxy-lab";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { callers, errorOf, type Callers } from "./inventory-fixtures";

type Stub = Awaited<ReturnType<typeof listenStub>>;
let lab: HaproxyLab;
let sim: Simulator;
let stubs: Stub[] = [];
let as: Callers;
let instanceId: number;

const closedPort = async (host: string) => {
  const stub = await listenStub(host);
  await stub.close(); // nothing listens there any more: connection refused
  return stub.address;
};

let fullSpec: LabSpec;

/** Polls HAProxy's own view until `check` holds; bounded. */
async function waitForHaproxy(backend: string, check: (states: Map<string, string>) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await serverStates(lab.socket, backend);
    if (check(states)) return states;
    if (Date.now() > deadline)
      throw new Error(`HAProxy did not reach the expected state in ${timeoutMs} ms: ${JSON.stringify([...states])}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const backendRows = () =>
  db().hAProxyBackend.findMany({
    where: { haproxyInstanceId: instanceId },
    select: { id: true, backendName: true, removedAt: true },
    orderBy: { backendName: "asc" },
  });
const serverRow = (backend: string, server: string) =>
  db().hAProxyServer.findFirstOrThrow({
    where: { serverName: server, backend: { backendName: backend, haproxyInstanceId: instanceId } },
  });

beforeAll(async () => {
  stubs = [await listenStub("127.0.99.21"), await listenStub("127.0.99.22"), await listenStub("127.0.99.23")];
  fullSpec = {
    checkInterMs: 100,
    backends: [
      {
        name: "be_web",
        servers: [
          { name: "web1", address: stubs[0]!.address, weight: 10, maxconn: 100 },
          { name: "web2", address: stubs[1]!.address },
          { name: "web3", address: await closedPort("127.0.99.24") },
        ],
      },
      { name: "be_api", servers: [{ name: "api1", address: stubs[2]!.address }] },
      { name: "be_admin", servers: [{ name: "adm1", address: stubs[2]!.address }] },
    ],
  };
  lab = await startHaproxyLab(fullSpec);
  sim = await startSimulator({
    scenario: {
      baseAddress: "127.0.99.2",
      port: 0,
      agents: [{ name: "lb-host", haproxy: [{ name: "lb1", socket: lab.socket }] }],
    },
  });
  setHaproxyOptions({
    agent: { timeoutMs: 3_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" },
    retries: 0,
  });
});
afterAll(async () => {
  setHaproxyOptions(undefined);
  await sim?.stop();
  await lab?.stop();
  await Promise.all(stubs.map((s) => s.close().catch(() => undefined)));
});
beforeEach(async () => {
  await resetDatabase();
  await resetBreaker();
  as = await callers();
  if (JSON.stringify(lab.spec) !== JSON.stringify(fullSpec)) await lab.reload(fullSpec);
  for (const s of ["web1", "web2"]) await lab.command(`set server be_web/${s} state ready`);
  const agent = sim.agents[0]!;
  const server = await db().server.create({
    data: { name: agent.name, ip: agent.ip, port: agent.port, isHaproxyNode: true },
  });
  instanceId = (await db().hAProxyInstance.create({ data: { name: "lb1", serverId: server.id } })).id;
  await invalidateLive(instanceId);
  // Health checks have run: the listening servers are UP, the closed port DOWN.
  await waitForHaproxy("be_web", (s) => s.get("web1") === "UP" && s.get("web2") === "UP" && s.get("web3") === "DOWN");
});

describe("sync against a real HAProxy", () => {
  it("stores the configured backends and servers as HAProxy reports them, and records the sync", async () => {
    const outcome = await syncInstance(instanceId);
    expect(outcome).toMatchObject({ ok: true, error: null, counts: { backends: 3, servers: 5, created: 5 } });
    expect((await backendRows()).map((b) => [b.backendName, b.removedAt])).toEqual([
      ["be_admin", null],
      ["be_api", null],
      ["be_web", null],
    ]);
    expect(await serverRow("be_web", "web1")).toMatchObject({
      address: stubs[0]!.address,
      status: "UP",
      weight: 10,
      maxSessions: 100,
      currentSessions: 0,
    });
    expect(await serverRow("be_web", "web3")).toMatchObject({ status: "DOWN" });
    const instance = await db().hAProxyInstance.findUniqueOrThrow({ where: { id: instanceId } });
    expect(instance).toMatchObject({ lastSyncSuccess: true, lastSyncError: null });
    expect(instance.lastSyncAt).not.toBeNull();
    const page = await as.viewer.haproxy.view({ q: "web" });
    expect(page.items.map((b) => [b.backendName, b.servers.map((s) => s.serverName)])).toEqual([
      ["be_web", ["web1", "web2", "web3"]],
    ]);
  });

  it("a server whose port closes turns DOWN after HAProxy's health check; the sync records the change", async () => {
    await syncInstance(instanceId);
    const stub = await listenStub("127.0.99.25");
    await lab.reload({
      ...fullSpec,
      backends: fullSpec.backends.map((b) =>
        b.name === "be_api" ? { ...b, servers: [...b.servers, { name: "api2", address: stub.address }] } : b,
      ),
    });
    await waitForHaproxy("be_api", (s) => s.get("api2") === "UP");
    await syncInstance(instanceId);
    expect(await serverRow("be_api", "api2")).toMatchObject({ status: "UP" });

    await stub.close();
    await waitForHaproxy("be_api", (s) => s.get("api2") === "DOWN");
    await syncInstance(instanceId);
    const api2 = await serverRow("be_api", "api2");
    expect(api2.status).toBe("DOWN");
    const history = await as.viewer.haproxy.statusHistory({ haproxyServerId: api2.id });
    expect(history.items.map((h) => [h.oldStatus, h.newStatus])).toEqual([
      ["UP", "DOWN"],
      [null, "UP"],
    ]);
  });
});

describe("commands on a real HAProxy", () => {
  it("drain, maint and ready change the server's state in HAProxy itself, store the re-read state, and write an action each", async () => {
    await syncInstance(instanceId);
    const web1 = await serverRow("be_web", "web1");
    const drained = await as.operator.haproxy.command({ haproxyServerId: web1.id, command: "drain" });
    expect(drained).toEqual({ ok: true, status: "DRAIN", error: null });
    expect((await serverStates(lab.socket, "be_web")).get("web1")).toBe("DRAIN");
    expect((await serverRow("be_web", "web1")).status).toBe("DRAIN");

    expect(await runServerCommand({ haproxyServerId: web1.id, command: "maint", actor: "olga" })).toEqual({
      ok: true,
      status: "MAINT",
      error: null,
    });
    expect((await serverStates(lab.socket, "be_web")).get("web1")).toBe("MAINT");
    expect(await runServerCommand({ haproxyServerId: web1.id, command: "ready", actor: "olga" })).toEqual({
      ok: true,
      status: "UP",
      error: null,
    });
    expect((await serverStates(lab.socket, "be_web")).get("web1")).toBe("UP");

    const log = await as.viewer.haproxy.actions({ haproxyServerId: web1.id });
    expect(log.items.map((a) => [a.actor, a.command, a.target, a.result, a.error])).toEqual([
      ["olga", "ready", "lb1/be_web/web1", "success", null],
      ["olga", "maint", "lb1/be_web/web1", "success", null],
      ["test-operator", "drain", "lb1/be_web/web1", "success", null],
    ]);
    for (const a of log.items) expect(a.durationMs).toBeGreaterThanOrEqual(0);
    const history = await as.viewer.haproxy.statusHistory({ haproxyServerId: web1.id });
    expect(history.items.map((h) => h.newStatus)).toEqual(["UP", "MAINT", "DRAIN", "UP"]);
  });

  it("a viewer's command is refused, logged as refused, and HAProxy is not touched", async () => {
    await syncInstance(instanceId);
    const web2 = await serverRow("be_web", "web2");
    expect((await errorOf(as.viewer.haproxy.command({ haproxyServerId: web2.id, command: "drain" }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await serverStates(lab.socket, "be_web")).get("web2")).toBe("UP");
    const [action] = (await as.viewer.haproxy.actions({ result: "refused" })).items;
    expect(action).toMatchObject({
      actor: "test-viewer",
      command: "drain",
      target: "lb1/be_web/web2",
      result: "refused",
      haproxyServerId: web2.id,
    });
    expect(action!.error).toMatch(/operator/);
  });

  it("a command HAProxy refuses fails with its reason and is logged as failed", async () => {
    await syncInstance(instanceId);
    const web2 = await serverRow("be_web", "web2");
    await db().hAProxyServer.update({ where: { id: web2.id }, data: { serverName: "ghost" } }); // HAProxy has no such server
    const result = await runServerCommand({ haproxyServerId: web2.id, command: "drain", actor: "olga" });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/No such server/);
    expect((await db().auditEntry.findFirstOrThrow({ where: { action: "haproxy.command" } })).outcome).toBe("failure");
  });
});

describe("backends that come and go", () => {
  it("a backend removed from the config (reload) is soft-deleted with its servers, and restored when it comes back", async () => {
    await syncInstance(instanceId);
    const before = (await backendRows()).find((b) => b.backendName === "be_admin")!;
    await lab.reload({ ...fullSpec, backends: fullSpec.backends.filter((b) => b.name !== "be_admin") });
    await syncInstance(instanceId);
    const removed = (await backendRows()).find((b) => b.backendName === "be_admin")!;
    expect(removed.removedAt).not.toBeNull();
    expect((await serverRow("be_admin", "adm1")).removedAt).not.toBeNull();
    expect((await as.viewer.haproxy.backends({ instanceId })).backends.map((b) => b.backendName)).toEqual([
      "be_api",
      "be_web",
    ]);
    expect(
      (await as.viewer.haproxy.backends({ instanceId, includeRemoved: true })).backends.map((b) => b.backendName),
    ).toEqual(["be_admin", "be_api", "be_web"]);

    await lab.reload(fullSpec);
    await syncInstance(instanceId);
    const restored = (await backendRows()).find((b) => b.backendName === "be_admin")!;
    expect(restored).toEqual({ ...before, removedAt: null }); // the same row, history kept
    expect((await serverRow("be_admin", "adm1")).removedAt).toBeNull();
  });
});

describe("selective polling", () => {
  it("reads only the selected backends (names and /regex/), as the agent's request counts show", async () => {
    const agent = sim.agents[0]!.name;
    await as.admin.haproxy.updateInstance({ id: instanceId, backendFilter: ["be_web"] });
    await sim.control.resetStats();
    await syncInstance(instanceId);
    let detail = (await sim.control.stats()).agents[agent]!.detail;
    expect(
      Object.keys(detail)
        .filter((k) => k.startsWith("haproxy.servers"))
        .sort(),
    ).toEqual(["haproxy.servers lb1/be_web"]);
    expect((await as.viewer.haproxy.backends({ instanceId })).backends.map((b) => b.backendName)).toEqual(["be_web"]);

    await as.admin.haproxy.updateInstance({ id: instanceId, backendFilter: ["/^be_a/"] });
    await sim.control.resetStats();
    await syncInstance(instanceId);
    detail = (await sim.control.stats()).agents[agent]!.detail;
    expect(
      Object.keys(detail)
        .filter((k) => k.startsWith("haproxy.servers"))
        .sort(),
    ).toEqual(["haproxy.servers lb1/be_admin", "haproxy.servers lb1/be_api"]);
    // Backends outside the selection are hidden like removed ones, and come back when selected.
    expect((await as.viewer.haproxy.backends({ instanceId })).backends.map((b) => b.backendName)).toEqual([
      "be_admin",
      "be_api",
    ]);
  });
});

describe("the lab itself", () => {
  it("refuses a config HAProxy rejects, with HAProxy's own reason", async () => {
    const duplicate = {
      name: "be_dup",
      servers: [
        { name: "s1", address: "127.0.0.1:1", check: false },
        { name: "s1", address: "127.0.0.1:2", check: false },
      ],
    };
    await expect(startHaproxyLab({ backends: [duplicate] })).rejects.toThrow(
      /refused the lab config: .*another server named 's1'/s,
    );
  });
});
