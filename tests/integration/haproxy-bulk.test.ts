// Bulk HAProxy actions and host maintenance against two real HAProxy instances (tools/haproxy-lab),
// each behind its own simulated agent: what a host maintenance drains and readies, partial
// failure with one load balancer unreachable, the per-instance concurrency bound, the cap, roles,
// and what an action announces on the change feed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { resetBreaker } from "@/server/haproxy/breaker";
import { PROGRESS_NOTICE_MS, bulkFinished } from "@/server/haproxy/bulk-run";
import { invalidateLive } from "@/server/haproxy/live";
import { setHaproxyOptions, type HaproxyOptions } from "@/server/haproxy/settings";
import { syncInstance } from "@/server/haproxy/sync";
import { channelOf } from "@/server/live/feed";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { noticeCounter } from "@/tests/setup/live-streams";
import { listenStub, serverStates, startHaproxyLab, type HaproxyLab, type LabSpec } from "@/tools/haproxy-lab";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { callers, errorOf, makeInstance, makeServer, type Callers } from "./inventory-fixtures";

let stub: Awaited<ReturnType<typeof listenStub>>;
const labs: HaproxyLab[] = [];
let sim: Simulator;
let as: Callers;
const instanceIds: Record<string, number> = {};
const options: Partial<HaproxyOptions> = {
  agent: { timeoutMs: 3_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" },
  retries: 0,
};

const specs = (address: string): Record<string, LabSpec> => ({
  lb1: {
    checkInterMs: 100,
    backends: [
      { name: "be_web", servers: ["web1", "web2", "web3"].map((name) => ({ name, address })) },
      { name: "be_api", servers: ["api1", "api2"].map((name) => ({ name, address })) },
    ],
  },
  lb2: {
    checkInterMs: 100,
    backends: [{ name: "be_web", servers: ["web1", "web2"].map((name) => ({ name, address })) }],
  },
});
const labOf = (lb: string) => labs[lb === "lb1" ? 0 : 1]!;

/** HAProxy's own view of every server, "lb1/be_web/web1" → "UP"; polled until `check` holds (bounded). */
async function haproxyStates(check: (s: Record<string, string>) => boolean = () => true, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states: Record<string, string> = {};
    for (const [lb, spec] of Object.entries(specs(stub.address)))
      for (const b of spec.backends)
        for (const [name, status] of await serverStates(labOf(lb).socket, b.name))
          states[`${lb}/${b.name}/${name}`] = status;
    if (check(states)) return states;
    if (Date.now() > deadline) throw new Error(`HAProxy did not reach the expected state: ${JSON.stringify(states)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const serverId = async (label: string) => {
  const [lb, backend, server] = label.split("/");
  const row = await db().hAProxyServer.findFirstOrThrow({
    where: { serverName: server, backend: { backendName: backend, haproxyInstanceId: instanceIds[lb!] } },
  });
  return row.id;
};
/** Maps HAProxy servers to an application instance (as an operator's manual mapping would). */
async function mapTo(applicationInstanceId: number, labels: string[]) {
  for (const label of labels)
    await db().hAProxyServer.update({
      where: { id: await serverId(label) },
      data: { applicationInstanceId, mappingType: "manual" },
    });
}
const run = async (start: Promise<{ id: number; total: number }>) => {
  const { id } = await start;
  await bulkFinished(id);
  return as.viewer.haproxy.bulkStatus({ id });
};
const items = async (id: number) =>
  Object.fromEntries(
    (await as.viewer.haproxy.bulkItems({ id, limit: 500 })).items.map((i) => [i.target, [i.result, i.status]]),
  );

beforeAll(async () => {
  stub = await listenStub("127.0.98.21");
  for (const spec of Object.values(specs(stub.address))) labs.push(await startHaproxyLab(spec));
  sim = await startSimulator({
    scenario: {
      baseAddress: "127.0.98.2",
      port: 0,
      agents: [
        { name: "lb-host-1", haproxy: [{ name: "lb1", socket: labs[0]!.socket }] },
        { name: "lb-host-2", haproxy: [{ name: "lb2", socket: labs[1]!.socket }] },
      ],
    },
  });
});
afterAll(async () => {
  setHaproxyOptions(undefined);
  await sim?.stop();
  await Promise.all(labs.map((lab) => lab.stop()));
  await stub?.close().catch(() => undefined);
});
beforeEach(async () => {
  setHaproxyOptions(options);
  await resetDatabase();
  resetBreaker();
  await sim.control.fault("lb-host-1", { fault: "clear" });
  await sim.control.fault("lb-host-2", { fault: "clear" });
  as = await callers();
  for (const [lb, spec] of Object.entries(specs(stub.address)))
    for (const b of spec.backends)
      for (const s of b.servers) await labOf(lb).command(`set server ${b.name}/${s.name} state ready`);
  for (const [i, lb] of ["lb1", "lb2"].entries()) {
    const agent = sim.agents[i]!;
    const server = await db().server.create({
      data: { name: agent.name, ip: agent.ip, port: agent.port, isHaproxyNode: true },
    });
    instanceIds[lb] = (await db().hAProxyInstance.create({ data: { name: lb, serverId: server.id } })).id;
    invalidateLive(instanceIds[lb]);
  }
  await haproxyStates((s) => Object.keys(s).length === 7 && Object.values(s).every((v) => v === "UP"));
  for (const lb of ["lb1", "lb2"]) expect((await syncInstance(instanceIds[lb]!)).ok).toBe(true);
});

describe("host maintenance", () => {
  it("drains exactly the HAProxy servers mapped to the host, on both load balancers, and its end readies exactly those", async () => {
    const app01 = await makeServer("app-01");
    const app02 = await makeServer("app-02");
    await mapTo((await makeInstance(app01.id, "shop", 1)).id, [
      "lb1/be_web/web1",
      "lb2/be_web/web1",
      "lb1/be_web/web3",
    ]);
    await mapTo((await makeInstance(app01.id, "api", 1)).id, ["lb1/be_api/api1"]);
    await mapTo((await makeInstance(app02.id, "shop", 2)).id, ["lb1/be_web/web2", "lb2/be_web/web2"]);
    // Someone drained web3 in HAProxy itself before; AC's last sync still says UP.
    await labOf("lb1").command("set server be_web/web3 state drain");

    const selection = { kind: "host" as const, serverId: app01.id };
    const preview = await as.operator.haproxy.bulkPreview({ selection, command: "drain" });
    expect(preview).toMatchObject({ count: 4, loadBalancers: 2, description: "host maintenance of app-01" });
    expect(preview.items.map((i) => i.label)).toEqual([
      "lb1/be_api/api1",
      "lb1/be_web/web1",
      "lb1/be_web/web3",
      "lb2/be_web/web1",
    ]);

    const drained = await run(as.operator.haproxy.bulkStart({ selection, command: "drain", expectedCount: 4 }));
    expect(drained).toMatchObject({ status: "done", counts: { total: 4, success: 3, skipped: 1, failed: 0 } });
    expect(await items(drained.id)).toEqual({
      "lb1/be_api/api1": ["success", "DRAIN"],
      "lb1/be_web/web1": ["success", "DRAIN"],
      "lb1/be_web/web3": ["skipped", "DRAIN"],
      "lb2/be_web/web1": ["success", "DRAIN"],
    });
    expect(await haproxyStates()).toEqual({
      "lb1/be_web/web1": "DRAIN",
      "lb1/be_web/web2": "UP",
      "lb1/be_web/web3": "DRAIN",
      "lb1/be_api/api1": "DRAIN",
      "lb1/be_api/api2": "UP",
      "lb2/be_web/web1": "DRAIN",
      "lb2/be_web/web2": "UP",
    });
    expect((await as.viewer.haproxy.hostMaintenance({ serverId: app01.id })).open?.id).toBe(drained.id);
    // A second maintenance of the same host waits for the end of the first.
    expect((await errorOf(as.operator.haproxy.bulkStart({ selection, command: "maint" }))).code).toBe("CONFLICT");

    const end = { kind: "host_end" as const, serverId: app01.id };
    expect((await as.operator.haproxy.bulkPreview({ selection: end, command: "ready" })).count).toBe(3);
    const readied = await run(as.operator.haproxy.bulkStart({ selection: end, command: "ready", expectedCount: 3 }));
    expect(readied).toMatchObject({ status: "done", counts: { total: 3, success: 3 } });
    expect(await haproxyStates()).toMatchObject({
      "lb1/be_web/web1": "UP",
      "lb1/be_web/web3": "DRAIN", // someone else's drain stays
      "lb1/be_api/api1": "UP",
      "lb2/be_web/web1": "UP",
    });
    expect((await as.viewer.haproxy.hostMaintenance({ serverId: app01.id })).open).toBeNull();
    expect((await errorOf(as.operator.haproxy.bulkStart({ selection: end, command: "ready" }))).code).toBe("CONFLICT");

    // Each command is still one row of the HAProxy action log, by the operator who started the action.
    const log = await as.viewer.haproxy.actions({ pageSize: 100 });
    expect(log.items.map((a) => `${a.command} ${a.target} ${a.result} ${a.actor}`).sort()).toEqual([
      "drain lb1/be_api/api1 success test-operator",
      "drain lb1/be_web/web1 success test-operator",
      "drain lb2/be_web/web1 success test-operator",
      "ready lb1/be_api/api1 success test-operator",
      "ready lb1/be_web/web1 success test-operator",
      "ready lb2/be_web/web1 success test-operator",
    ]);
  });

  it("a maintenance that took nothing out (its load balancer unreachable) can still be ended", async () => {
    const app03 = await makeServer("app-03");
    await mapTo((await makeInstance(app03.id, "cache", 1)).id, ["lb2/be_web/web2"]);
    await sim.control.fault("lb-host-2", { fault: "down" });
    const selection = { kind: "host" as const, serverId: app03.id };
    expect((await run(as.operator.haproxy.bulkStart({ selection, command: "drain" }))).counts).toMatchObject({
      total: 1,
      failed: 1,
    });
    const end = { kind: "host_end" as const, serverId: app03.id };
    const ended = await run(as.operator.haproxy.bulkStart({ selection: end, command: "ready", expectedCount: 0 }));
    expect(ended).toMatchObject({ status: "done", counts: { total: 0 } });
    expect((await as.viewer.haproxy.hostMaintenance({ serverId: app03.id })).open).toBeNull();
  });
});

describe("bulk actions", () => {
  it("with one load balancer unreachable, the other's servers change and every item is recorded with its outcome", async () => {
    await sim.control.fault("lb-host-2", { fault: "down" });
    const selection = { kind: "filter" as const, q: "web" };
    const status = await run(as.operator.haproxy.bulkStart({ selection, command: "drain", expectedCount: 5 }));
    expect(status).toMatchObject({ status: "done", counts: { total: 5, pending: 0, success: 3, failed: 2 } });
    const byTarget = (await as.viewer.haproxy.bulkItems({ id: status.id })).items;
    for (const item of byTarget) {
      if (item.target.startsWith("lb1/"))
        expect(item).toMatchObject({ result: "success", status: "DRAIN", error: null });
      else expect(item).toMatchObject({ result: "failed", error: expect.stringMatching(/.+/) });
      expect(item.finishedAt).not.toBeNull();
    }
    expect((await haproxyStates())["lb1/be_web/web2"]).toBe("DRAIN");
    const failed = await as.viewer.haproxy.actions({ result: "failed" });
    expect(failed.items.map((a) => a.target).sort()).toEqual(["lb2/be_web/web1", "lb2/be_web/web2"]);
  });

  it("sends at most bulkConcurrency commands at once to one HAProxy instance", async () => {
    setHaproxyOptions({ ...options, bulkConcurrency: 2 });
    await sim.control.fault("lb-host-1", { fault: "slow", ms: 300 }); // commands overlap while they wait
    await sim.control.resetStats();
    const selection = { kind: "filter" as const, instanceId: instanceIds.lb1 };
    const status = await run(as.operator.haproxy.bulkStart({ selection, command: "drain" }));
    expect(status.counts).toMatchObject({ total: 5, success: 5 });
    const stats = (await sim.control.stats()).agents["lb-host-1"]!;
    expect(stats.requests["haproxy.command"]).toBe(5);
    expect(stats.maxInFlight["haproxy.command"]).toBe(2);
  });

  it("drains and readies a whole backend", async () => {
    const backend = await db().hAProxyBackend.findFirstOrThrow({
      where: { backendName: "be_api", haproxyInstanceId: instanceIds.lb1 },
    });
    const selection = { kind: "backend" as const, backendId: backend.id };
    expect((await run(as.operator.haproxy.bulkStart({ selection, command: "drain" }))).counts.success).toBe(2);
    expect(await haproxyStates()).toMatchObject({ "lb1/be_api/api1": "DRAIN", "lb1/be_api/api2": "DRAIN" });
    expect((await run(as.operator.haproxy.bulkStart({ selection, command: "ready" }))).counts.success).toBe(2);
    expect(await haproxyStates()).toMatchObject({ "lb1/be_api/api1": "UP", "lb1/be_api/api2": "UP" });
  });

  it("refuses a selection beyond the cap, and a start whose count differs from the confirmed one; nothing runs", async () => {
    setHaproxyOptions({ ...options, bulkMaxItems: 4 });
    const all = { kind: "filter" as const };
    const tooMany = await errorOf(as.operator.haproxy.bulkPreview({ selection: all, command: "drain" }));
    expect(tooMany).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/at most 4/) });
    expect((await errorOf(as.operator.haproxy.bulkStart({ selection: all, command: "drain" }))).code).toBe(
      "BAD_REQUEST",
    );
    const ids = {
      kind: "servers" as const,
      ids: [await serverId("lb1/be_web/web1"), await serverId("lb2/be_web/web1")],
    };
    expect(
      (await errorOf(as.operator.haproxy.bulkStart({ selection: ids, command: "drain", expectedCount: 3 }))).code,
    ).toBe("CONFLICT");
    expect(await db().hAProxyBulkAction.count()).toBe(0);
    expect(Object.values(await haproxyStates()).every((s) => s === "UP")).toBe(true);
  });

  it("refuses viewers (and their tokens) and touches nothing; they can read an action's progress", async () => {
    const selection = { kind: "filter" as const };
    for (const caller of [as.viewer, as.token]) {
      expect((await errorOf(caller.haproxy.bulkPreview({ selection, command: "drain" }))).code).toBe("FORBIDDEN");
      expect((await errorOf(caller.haproxy.bulkStart({ selection, command: "drain" }))).code).toBe("FORBIDDEN");
    }
    expect(await db().hAProxyBulkAction.count()).toBe(0);
    expect(Object.values(await haproxyStates()).every((s) => s === "UP")).toBe(true);
    const status = await run(as.admin.haproxy.bulkStart({ selection: { ...selection, q: "api1" }, command: "drain" }));
    expect((await as.viewer.haproxy.bulkStatus({ id: status.id })).counts).toMatchObject({ total: 1, success: 1 });
  });
});

describe("on the change feed", () => {
  it("an action announces its start and its end, and its items together, not one notice each", async () => {
    const notices = await noticeCounter(channelOf("haproxy"));
    try {
      const lb1 = { kind: "filter" as const, instanceId: instanceIds.lb1 };
      // A clock that stands still: no progress notice falls due while the five items run.
      const now = Date.now();
      setHaproxyOptions({ ...options, now: () => now });
      const drained = await run(as.operator.haproxy.bulkStart({ selection: lb1, command: "drain" }));
      expect(drained.counts).toMatchObject({ total: 5, success: 5 });
      expect(await notices.settled()).toBe(2);
      // Pages saw the servers' new state at the end (the writes came before the last notice).
      expect(await db().hAProxyServer.count({ where: { status: "DRAIN" } })).toBe(5);

      // A clock that moves PROGRESS_NOTICE_MS at each reading: every item lands past the gap.
      let t = now;
      setHaproxyOptions({ ...options, now: () => (t += PROGRESS_NOTICE_MS) });
      const readied = await run(as.operator.haproxy.bulkStart({ selection: lb1, command: "ready" }));
      expect(readied.counts).toMatchObject({ total: 5, success: 5 });
      expect(await notices.settled()).toBe(2 + 2 + 5);

      // A single command still announces its read-back itself.
      await as.operator.haproxy.command({ haproxyServerId: await serverId("lb2/be_web/web1"), command: "drain" });
      expect(await notices.settled()).toBe(2 + 2 + 5 + 1);
    } finally {
      await notices.close();
    }
  });
});

describe("a bulk action whose process stopped", () => {
  it("is closed as interrupted when read, its unfinished items failed with the reason, and announced", async () => {
    const action = await db().hAProxyBulkAction.create({
      data: {
        kind: "servers",
        command: "drain",
        description: "1 selected server",
        actor: "olga",
        heartbeatAt: new Date(Date.now() - 10 * 60_000),
        items: { create: [{ haproxyServerId: 1, haproxyInstanceId: 1, target: "lb1/be_web/web1" }] },
      },
    });
    const notices = await noticeCounter(channelOf("haproxy"));
    try {
      const status = await as.viewer.haproxy.bulkStatus({ id: action.id });
      expect(status).toMatchObject({ status: "interrupted", counts: { total: 1, pending: 0, failed: 1 } });
      expect((await as.viewer.haproxy.bulkItems({ id: action.id })).items[0]!.error).toMatch(/process .* stopped/);
      expect(await notices.settled()).toBe(1); // a host's maintenance panel on another page sees it end
    } finally {
      await notices.close();
    }
  });
});
