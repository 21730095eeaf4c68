// Eureka OUT_OF_SERVICE around an update (docs/update-tasks.md, "Eureka"), over real HTTP on
// loopback: the simulator's Eureka server (tools/fagent-sim/eureka.ts) lists the shop instances
// its agents report as registered, a real ansible-playbook "installs", HAProxy is the recording
// fake whose drain and ready also look at the registry at that moment. A second receiver stands
// for a host AC must never call: agents report it, AC_EUREKA_URLS does not list it.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { jobAudit } from "@/server/audit/jobs";
import { cancelTask } from "@/server/tasks/cancel";
import { setTaskDeps } from "@/server/tasks/deps";
import { eurekaStep } from "@/server/tasks/eureka";
import { updateRequestInput } from "@/server/tasks/plan";
import { outOfPoolOf, type TaskProgress } from "@/server/tasks/plan-types";
import { listTasks, taskListInput } from "@/server/tasks/queries";
import { taskFinished } from "@/server/tasks/queue";
import { returnToPool } from "@/server/tasks/recovery";
import { previewUpdate, startUpdateTask } from "@/server/tasks/start";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { callers, errorOf, fieldErrors } from "./inventory-fixtures";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import {
  agentVersion,
  FakeHaproxy,
  instanceId,
  loadFleet,
  pollAll,
  testAgent,
  updateScenario,
  waitForTask,
} from "./helpers/update-fleet";

let sim: Simulator;
let outsider: http.Server;
const outsiderRequests: string[] = [];
let fleet: Awaited<ReturnType<typeof loadFleet>>;
let haproxy: FakeHaproxy;
/** What the registry said for web-1's shop instances at each drain / ready, with the agent's version then. */
let seen: { command: string; shop1: string | null; shop2: string | null; version: unknown }[];

const SHOP1 = "web-1:shop:8081";
const SHOP2 = "web-1:shop:8082";
const WEB1_IP = () => sim.agents.find((a) => a.name === "web-1")!.ip;
const registry = (id: string) => sim.eureka!.status("SHOP", id);
const eurekaCalls = () => sim.eureka!.requests().filter((r) => r.method !== "GET");

beforeAll(async () => {
  sim = await startSimulator({ scenario: updateScenario, controlPort: 0, eurekaPort: 0 });
  process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
  outsider = http.createServer((req, res) => {
    outsiderRequests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => outsider.listen({ host: "127.0.0.1", port: 0 }, resolve));
  process.env.AC_EUREKA_URLS = sim.eureka!.url;
  reloadConfig();
});
afterAll(async () => {
  setTaskDeps(undefined);
  delete process.env.AC_EUREKA_URLS;
  reloadConfig();
  await sim?.stop();
  await new Promise((resolve) => outsider?.close(resolve));
});
beforeEach(async () => {
  const outsiderUrl = `http://127.0.0.1:${(outsider.address() as AddressInfo).port}/eureka/`;
  const allowedHost = new URL(sim.eureka!.url).host;
  const apps = {
    // Registered at their server's address, where AC looks for them.
    "web-1": [
      ["shop_1", { eureka_url: sim.eureka!.url, ip: WEB1_IP(), port: 8081 }],
      ["shop_2", { eureka_url: sim.eureka!.url, ip: WEB1_IP(), port: 8082 }],
    ],
    "web-2": [
      // Not allowed: another host, and another host behind userinfo that names the allowed one.
      ["shop_1", { eureka_url: outsiderUrl, ip: "172.18.0.21", port: 8081 }],
      ["shop_2", { eureka_url: outsiderUrl.replace("//", `//${allowedHost}@`), ip: "172.18.0.22", port: 8082 }],
    ],
  } as const;
  for (const [server, list] of Object.entries(apps))
    for (const [name, fields] of list)
      await sim.control.setApp(server, "docker", name, { ...fields, eureka_registered: true, version: "1.0" });
  sim.eureka!.reset();
  outsiderRequests.length = 0;
  await resetDatabase();
  fleet = await loadFleet(sim);
  haproxy = new FakeHaproxy();
  seen = [];
  const command = haproxy.runServerCommand;
  haproxy.runServerCommand = async (input) => {
    const version = await agentVersion(sim, "web-1", "docker", "shop_1");
    seen.push({ command: input.command, shop1: registry(SHOP1), shop2: registry(SHOP2), version });
    return command(input);
  };
  setTaskDeps({ haproxy, agent: testAgent, confirmPollMs: 200 });
});
afterEach(() => {
  delete process.env.AC_TEST_FAIL_INSTANCES;
});

const request = (eureka: boolean, drainDelaySec = 0, instanceIds?: number[]) =>
  updateRequestInput.parse({
    ...(instanceIds ? { instanceIds } : { groupId: fleet.shop.id }),
    targetVersion: "2.0",
    drainDelaySec,
    waitAfterUpdateSec: 0,
    confirmTimeoutSec: 30,
    eureka,
  });
const stepOf = (progress: unknown, batch: number, name: string) =>
  (progress as TaskProgress).batches[batch]!.steps.find((s) => s.name === name)!;
const listedCounts = async (taskId: string) =>
  (await listTasks(taskListInput.parse({}))).items.find((t) => t.id === taskId)!.counts;
const auditRows = (taskId: string) =>
  db().auditEntry.findMany({
    where: { taskId, action: "eureka.status" },
    orderBy: { id: "asc" },
    select: { targetLabel: true, outcome: true, details: true, actorName: true },
  });

describe("Eureka around an update", () => {
  it("plans the registration and warns about URLs outside AC_EUREKA_URLS", async () => {
    const { plan } = await previewUpdate(request(true));
    const byName = new Map(plan.batches.flatMap((b) => b.instances).map((i) => [`${i.server.name}/${i.name}`, i]));
    expect(byName.get("web-1/shop_1")!.eureka).toMatchObject({ app: "SHOP", registry: sim.eureka!.url.slice(0, -1) });
    expect(byName.get("web-2/shop_1")!.eureka).toMatchObject({ registry: null });
    expect(plan.warnings.filter((w) => w.includes("Eureka"))).toEqual([
      expect.stringMatching(/^shop_1 on web-2: registered in Eureka, but eureka_url .* is not in AC_EUREKA_URLS/),
      expect.stringMatching(/^shop_2 on web-2: registered in Eureka, but eureka_url .* is not in AC_EUREKA_URLS/),
    ]);
    expect(outsiderRequests).toEqual([]);
  });

  it(
    "sets OUT_OF_SERVICE before the drain and the playbook, UP after ready; calls no other host",
    { timeout: 180_000 },
    async () => {
      expect([registry(SHOP1), registry(SHOP2)]).toEqual(["UP", "UP"]);
      const { id } = await startUpdateTask(request(true), "olga");
      await taskFinished(id);
      const task = await db().task.findUniqueOrThrow({ where: { id } });
      expect(task.status, task.error ?? "").toBe("succeeded");

      // Batch 1 (web-1): out of service at the drain, still on the old version; still out at the
      // ready, now on the new one; UP once the task is done.
      expect(seen.slice(0, 4)).toEqual([
        { command: "drain", shop1: "OUT_OF_SERVICE", shop2: "OUT_OF_SERVICE", version: "1.0" },
        { command: "drain", shop1: "OUT_OF_SERVICE", shop2: "OUT_OF_SERVICE", version: "1.0" },
        { command: "ready", shop1: "OUT_OF_SERVICE", shop2: "OUT_OF_SERVICE", version: "2.0" },
        { command: "ready", shop1: "OUT_OF_SERVICE", shop2: "OUT_OF_SERVICE", version: "2.0" },
      ]);
      expect([registry(SHOP1), registry(SHOP2)]).toEqual(["UP", "UP"]);
      expect(eurekaCalls().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        `PUT /eureka/apps/SHOP/${encodeURIComponent(SHOP1)}/status?value=OUT_OF_SERVICE 200`,
        `PUT /eureka/apps/SHOP/${encodeURIComponent(SHOP2)}/status?value=OUT_OF_SERVICE 200`,
        `DELETE /eureka/apps/SHOP/${encodeURIComponent(SHOP1)}/status?value=UP 200`,
        `DELETE /eureka/apps/SHOP/${encodeURIComponent(SHOP2)}/status?value=UP 200`,
      ]);
      const p = task.progress as unknown as TaskProgress;
      expect(Date.parse(stepOf(p, 0, "eureka_down").finishedAt!)).toBeLessThanOrEqual(
        Date.parse(stepOf(p, 0, "drain").startedAt!),
      );
      expect(Date.parse(stepOf(p, 0, "eureka_up").startedAt!)).toBeGreaterThanOrEqual(
        Date.parse(stepOf(p, 0, "ready").finishedAt!),
      );
      expect(stepOf(p, 1, "eureka_down")).toMatchObject({ status: "skipped" });
      expect(p.outOfService).toEqual([]);

      // The hosts the agents named but admins did not list heard nothing.
      expect(outsiderRequests).toEqual([]);
      const rows = await auditRows(id);
      expect(rows.map((r) => [r.targetLabel, r.outcome, (r.details as { status: string }).status])).toEqual([
        [`SHOP/${SHOP1} (shop_1 on web-1)`, "success", "OUT_OF_SERVICE"],
        [`SHOP/${SHOP2} (shop_2 on web-1)`, "success", "OUT_OF_SERVICE"],
        [`SHOP/${SHOP1} (shop_1 on web-1)`, "success", "UP"],
        [`SHOP/${SHOP2} (shop_2 on web-1)`, "success", "UP"],
      ]);
      expect(rows.every((r) => r.actorName === "job:update-task")).toBe(true);
    },
  );

  it("leaves Eureka alone when the task does not ask for it", { timeout: 180_000 }, async () => {
    const { id } = await startUpdateTask(request(false), "olga");
    await taskFinished(id);
    const task = await db().task.findUniqueOrThrow({ where: { id } });
    expect(task.status).toBe("succeeded");
    expect(stepOf(task.progress, 0, "eureka_down")).toMatchObject({
      status: "skipped",
      note: "Eureka off for this run",
    });
    expect(sim.eureka!.requests()).toEqual([]);
  });

  it("fails the batch before any drain when Eureka answers 500", { timeout: 120_000 }, async () => {
    sim.eureka!.fault({ status: 500 });
    const { id } = await startUpdateTask(request(true), "olga");
    await taskFinished(id);
    const task = await db().task.findUniqueOrThrow({ where: { id } });
    expect(task.status).toBe("failed");
    expect(task.error).toMatch(
      /^batch 1\/2, step eureka_down failed: shop_1 on web-1: Eureka GET .* answered HTTP 500/,
    );
    expect(haproxy.commands).toEqual([]);
    expect(stepOf(task.progress, 0, "playbook").status).toBe("skipped");
    expect(await agentVersion(sim, "web-1", "docker", "shop_1")).toBe("1.0");
  });

  it("cancelled before the playbook ran, the instances go back UP at once", { timeout: 120_000 }, async () => {
    const { id } = await startUpdateTask(request(true, 600), "olga");
    await waitForTask(id, (t) => stepOf(t.progress, 0, "drain_delay").status === "running");
    expect([registry(SHOP1), registry(SHOP2)]).toEqual(["OUT_OF_SERVICE", "OUT_OF_SERVICE"]);
    await cancelTask({ id, mode: "now" }, "olga");
    await taskFinished(id);
    const task = await db().task.findUniqueOrThrow({ where: { id } });
    expect(task.status).toBe("cancelled");
    expect([registry(SHOP1), registry(SHOP2)]).toEqual(["UP", "UP"]);
    expect((task.progress as unknown as TaskProgress).outOfService).toEqual([]);
    expect(await agentVersion(sim, "web-1", "docker", "shop_1")).toBe("1.0");
  });

  it(
    "a failed playbook leaves the instances out of service; return to pool puts them UP",
    { timeout: 180_000 },
    async () => {
      process.env.AC_TEST_FAIL_INSTANCES = "web-1/shop_1";
      const { id } = await startUpdateTask(request(true), "olga");
      await taskFinished(id);
      const task = await db().task.findUniqueOrThrow({ where: { id } });
      expect(task.status).toBe("failed");
      expect([registry(SHOP1), registry(SHOP2)]).toEqual(["OUT_OF_SERVICE", "OUT_OF_SERVICE"]);
      const left = (task.progress as unknown as TaskProgress).outOfService!;
      expect(left.map((o) => o.eurekaId)).toEqual([SHOP1, SHOP2]);
      // The tasks list counts them with the drained HAProxy servers: both go back on "return to pool".
      const drained = outOfPoolOf(task.progress as unknown as TaskProgress).length;
      expect(drained).toBe(2);
      expect(await listedCounts(id)).toMatchObject({ outOfPool: drained + left.length, outOfService: left.length });

      const result = await returnToPool(id, "olga");
      expect(result.readied).toEqual(expect.arrayContaining(left.map((o) => o.label)));
      expect(result.failed).toEqual([]);
      expect([registry(SHOP1), registry(SHOP2)]).toEqual(["UP", "UP"]);
      const after = await db().task.findUniqueOrThrow({ where: { id } });
      expect((after.progress as unknown as TaskProgress).outOfService).toEqual([]);
      expect(await listedCounts(id)).toMatchObject({ outOfPool: 0, outOfService: 0 });
      const ups = (await auditRows(id)).filter((r) => (r.details as { status: string }).status === "UP");
      expect(ups.map((r) => [r.targetLabel, r.outcome])).toEqual(left.map((o) => [o.label, "success"]));
      expect(outsiderRequests).toEqual([]);
    },
  );

  it(
    "an agent claiming another server's address cannot have AC take that server's instance out",
    { timeout: 180_000 },
    async () => {
      // web-2's agent claims web-1's shop_1 address and names the allowed registry (a claim only:
      // without the trailing slash the simulator does not list it, so web-2 has no instance there).
      const claim = { eureka_url: sim.eureka!.url.slice(0, -1), ip: WEB1_IP(), port: 8081 };
      await sim.control.setApp("web-2", "docker", "shop_1", claim);
      await pollAll();
      const input = request(true, 0, [await instanceId("web-2", "shop_1")]);
      const { plan } = await previewUpdate(input);
      const web1 = WEB1_IP().replaceAll(".", "\\.");
      expect(plan.warnings.filter((w) => w.includes("Eureka"))).toEqual([
        expect.stringMatching(
          new RegExp(
            `^shop_1 on web-2: registered in Eureka, but its agent reports ip "${web1}", not its server's address`,
          ),
        ),
      ]);
      expect(plan.batches[0]!.instances[0]!.eureka).toMatchObject({ registry: null });

      const { id } = await startUpdateTask(input, "olga");
      await taskFinished(id);
      const task = await db().task.findUniqueOrThrow({ where: { id } });
      expect(task.status, task.error ?? "").toBe("succeeded");
      expect(stepOf(task.progress, 0, "eureka_down")).toMatchObject({ status: "skipped" });
      expect(sim.eureka!.requests().filter((r) => r.path.includes(encodeURIComponent(SHOP1)))).toEqual([]);
      expect(registry(SHOP1)).toBe("UP");
    },
  );

  it(
    "return to pool leaves alone an instance a later task has taken out of service since",
    { timeout: 240_000 },
    async () => {
      process.env.AC_TEST_FAIL_INSTANCES = "web-1/shop_1";
      const { id: first } = await startUpdateTask(request(true), "olga");
      await taskFinished(first);
      expect((await db().task.findUniqueOrThrow({ where: { id: first } })).status).toBe("failed");
      const left = (await db().task.findUniqueOrThrow({ where: { id: first } })).progress as unknown as TaskProgress;
      const [shop1, shop2] = left.outOfService!;
      expect([shop1!.eurekaId, shop2!.eurekaId]).toEqual([SHOP1, SHOP2]);
      delete process.env.AC_TEST_FAIL_INSTANCES;

      // A later task takes web-1's shop_1 out again and waits in its drain delay.
      const { id: later } = await startUpdateTask(request(true, 600, [await instanceId("web-1", "shop_1")]), "petra");
      await waitForTask(later, (t) => stepOf(t.progress, 0, "drain_delay").status === "running");

      const result = await returnToPool(first, "olga");
      expect(result.skipped).toContainEqual({
        label: shop1!.label,
        reason: `Eureka status set by task ${later} since; left as it is`,
      });
      expect(result.readied).toContain(shop2!.label);
      expect([registry(SHOP1), registry(SHOP2)]).toEqual(["OUT_OF_SERVICE", "UP"]);
      const after = await db().task.findUniqueOrThrow({ where: { id: first } });
      expect((after.progress as unknown as TaskProgress).outOfService).toEqual([]);

      await cancelTask({ id: later, mode: "now" }, "petra");
      await taskFinished(later);
      expect(registry(SHOP1)).toBe("UP");
    },
  );

  it("eureka_down refuses a planned address that is not the server's (a plan made before the plan check)", async () => {
    const { plan } = await previewUpdate(request(true));
    const shop1 = plan.batches[0]!.instances.find((i) => i.server.name === "web-1" && i.name === "shop_1")!;
    // What such a plan held for web-2's claim: web-1's address and port, web-2's own address.
    const web2 = sim.agents.find((a) => a.name === "web-2")!.ip;
    const claimed = { ...shop1, server: { ...shop1.server, name: "web-2", ip: web2 } };
    const state = { outOfService: [] } as unknown as TaskProgress;
    const run = {
      enabled: true,
      progress: { state, save: async () => undefined },
      log: () => undefined,
      audit: jobAudit({ job: "update-task", action: "eureka.status" }),
    };
    const work = eurekaStep(run, [claimed], "down");
    expect(typeof work).toBe("function");
    await expect((work as () => Promise<string>)()).rejects.toThrow(/its agent reports ip .*not its server's address/);
    expect(eurekaCalls()).toEqual([]);
    expect(registry(SHOP1)).toBe("UP");
  });
});

describe("a group's own Eureka app name", () => {
  // shop's apps register as spring.application.name=shop-service, not as their group's name.
  const APP = "SHOP-SERVICE";
  const SVC1 = "web-1:shop-service:8081";
  const SVC2 = "web-1:shop-service:8082";
  const status = (id: string) => sim.eureka!.status(APP, id);

  it(
    "is set by an admin, audited, and used for OUT_OF_SERVICE and UP instead of the group's name",
    {
      timeout: 180_000,
    },
    async () => {
      sim.eureka!.registerGroupAs("shop", "shop-service");
      const as = await callers();
      const saved = await as.admin.groups.updateSettings({ id: fleet.shop.id, eurekaAppName: " shop-service " });
      expect(saved.eurekaAppName).toBe("shop-service");
      const audit = await db().auditEntry.findFirstOrThrow({
        where: { action: "groups.updateSettings", outcome: "success" },
      });
      expect(audit).toMatchObject({ targetType: "group", targetId: String(fleet.shop.id), actorName: "test-admin" });
      expect(audit.changes).toEqual({ eurekaAppName: { from: null, to: "shop-service" } });

      const { plan } = await previewUpdate(request(true));
      expect(plan.batches[0]!.instances.map((i) => i.eureka?.app)).toEqual([APP, APP]);
      const { id } = await startUpdateTask(request(true), "olga");
      await taskFinished(id);
      const task = await db().task.findUniqueOrThrow({ where: { id } });
      expect(task.status, task.error ?? "").toBe("succeeded");
      // Out of service under that name at the drain and the ready, UP afterwards.
      expect(seen.slice(0, 4).map((s) => s.command)).toEqual(["drain", "drain", "ready", "ready"]);
      expect(eurekaCalls().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        `PUT /eureka/apps/${APP}/${encodeURIComponent(SVC1)}/status?value=OUT_OF_SERVICE 200`,
        `PUT /eureka/apps/${APP}/${encodeURIComponent(SVC2)}/status?value=OUT_OF_SERVICE 200`,
        `DELETE /eureka/apps/${APP}/${encodeURIComponent(SVC1)}/status?value=UP 200`,
        `DELETE /eureka/apps/${APP}/${encodeURIComponent(SVC2)}/status?value=UP 200`,
      ]);
      expect([status(SVC1), status(SVC2)]).toEqual(["UP", "UP"]);
      expect((await auditRows(id)).map((r) => r.targetLabel)).toContain(`${APP}/${SVC1} (shop_1 on web-1)`);
    },
  );

  it("takes them OUT_OF_SERVICE under that name while the batch runs", { timeout: 180_000 }, async () => {
    sim.eureka!.registerGroupAs("shop", "shop-service");
    await db().applicationGroup.update({ where: { id: fleet.shop.id }, data: { eurekaAppName: "shop-service" } });
    const { id } = await startUpdateTask(request(true, 600), "olga");
    await waitForTask(id, (t) => stepOf(t.progress, 0, "drain_delay").status === "running");
    expect([status(SVC1), status(SVC2)]).toEqual(["OUT_OF_SERVICE", "OUT_OF_SERVICE"]);
    await cancelTask({ id, mode: "now" }, "olga");
    await taskFinished(id);
    expect([status(SVC1), status(SVC2)]).toEqual(["UP", "UP"]);
  });

  it(
    "without one, the group's name upper-cased finds nothing where the apps use another name",
    {
      timeout: 120_000,
    },
    async () => {
      sim.eureka!.registerGroupAs("shop", "shop-service");
      const { id } = await startUpdateTask(request(true), "olga");
      await taskFinished(id);
      const task = await db().task.findUniqueOrThrow({ where: { id } });
      expect(task.status).toBe("failed");
      expect(task.error).toMatch(
        /step eureka_down failed: shop_1 on web-1: Eureka GET .*\/apps\/SHOP answered HTTP 404/,
      );
      expect(haproxy.commands).toEqual([]);
    },
  );

  it("refuses names Eureka and Spring would not take, with a message; empty clears it", async () => {
    const as = await callers();
    for (const bad of ["shop service", "shop/../x", "-shop", "шоп", "a".repeat(101)]) {
      const errors = await fieldErrors(as.admin.groups.updateSettings({ id: fleet.shop.id, eurekaAppName: bad }));
      expect(errors.eurekaAppName?.[0], bad).toMatch(
        bad.length > 100 ? /^at most 100 characters$/ : /^Latin letters, digits, '-', '_' and '\.' only/,
      );
    }
    expect((await errorOf(as.operator.groups.updateSettings({ id: fleet.shop.id, eurekaAppName: "x" }))).code).toBe(
      "FORBIDDEN",
    );
    await as.admin.groups.updateSettings({ id: fleet.shop.id, eurekaAppName: "shop.api_v2" });
    const { plan } = await previewUpdate(request(true));
    expect(plan.batches[0]!.instances[0]!.eureka?.app).toBe("SHOP.API_V2");
    expect((await as.admin.groups.updateSettings({ id: fleet.shop.id, eurekaAppName: "" })).eurekaAppName).toBeNull();
    expect((await previewUpdate(request(true))).plan.batches[0]!.instances[0]!.eureka?.app).toBe("SHOP");
  });
});
