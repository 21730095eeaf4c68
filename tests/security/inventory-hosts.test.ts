// Every instance of a batch is its own inventory host, with a readable name: two instances with
// one name on one server (a docker app and a site, both auth-service_1) are two hosts, both
// updated, and non-Latin names keep their letters. docs/update-tasks.md, "The playbook contract".
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { setTaskDeps } from "@/server/tasks/deps";
import { inventoryHosts } from "@/server/tasks/inventory";
import { updateRequestInput } from "@/server/tasks/plan";
import type { PlanInstance } from "@/server/tasks/plan-types";
import { taskFinished } from "@/server/tasks/queue";
import { startUpdateTask } from "@/server/tasks/start";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { agentVersion, FakeHaproxy, pollAll, TEST_PLAYBOOK, testAgent } from "../integration/helpers/update-fleet";

const planInstance = (id: number, server: string, name: string, appType: PlanInstance["appType"] = "docker") =>
  ({ id, name, appType, server: { id: 1, name: server, ip: "127.0.0.1" } }) as PlanInstance;

describe("inventory host names", () => {
  it("are <server>__<instance> with letters of any script kept", () => {
    const hosts = inventoryHosts([
      planInstance(1, "веб-1", "заказы_1"),
      planInstance(2, "web 2", "shop:1/{{x}}"),
      planInstance(3, "東京-1", "café_2"),
    ]);
    expect([...hosts.values()]).toEqual(["веб-1__заказы_1", "web_2__shop_1___x__", "東京-1__café_2"]);
  });

  it("get the instance id where two instances would share a name, and only there", () => {
    const hosts = inventoryHosts([
      planInstance(4, "web-1", "auth-service_1"),
      planInstance(9, "web-1", "auth-service_1", "site"),
      planInstance(5, "web-1", "cart_1"),
    ]);
    expect([...hosts.values()]).toEqual(["web-1__auth-service_1__4", "web-1__auth-service_1__9", "web-1__cart_1"]);
  });

  it("stay unique when a suffixed name meets a real one", () => {
    const hosts = inventoryHosts([
      planInstance(4, "a", "x_1"),
      planInstance(9, "a", "x_1", "site"),
      planInstance(5, "a", "x_1__4"),
    ]);
    expect(new Set(hosts.values()).size).toBe(3);
  });
});

describe("two instances named alike on one server, in one batch", () => {
  let sim: Simulator;
  const varsDir = fs.mkdtemp(path.join(os.tmpdir(), "ac-hosts-"));
  beforeAll(async () => {
    sim = await startSimulator({
      controlPort: 0,
      scenario: {
        mode: "address",
        baseAddress: "127.0.69.2",
        port: 0,
        agents: [
          {
            name: "веб-1",
            apps: {
              docker: [
                {
                  container_name: "auth-service_1",
                  image: "reg/auth:1.0",
                  tag: "1.0",
                  version: "1.0",
                  status: "running",
                },
              ],
              site: [{ name: "auth-service_1", path: "/var/www/auth", version: "1.0", status: "active" }],
            },
          },
        ],
      },
    });
    for (const a of sim.agents) await db().server.create({ data: { name: a.name, ip: a.ip, port: a.port } });
    await pollAll();
    await db().applicationGroup.updateMany({
      data: { updatePlaybookPath: TEST_PLAYBOOK, batchGroupingStrategy: "all_at_once" },
    });
    setTaskDeps({ haproxy: new FakeHaproxy(), agent: testAgent, confirmPollMs: 200 });
    process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
    process.env.AC_TEST_VARS_DIR = await varsDir;
  });
  afterAll(async () => {
    setTaskDeps(undefined);
    await sim.stop();
    await fs.rm(await varsDir, { recursive: true, force: true });
  });

  it("are two hosts of the inventory, both updated and confirmed", { timeout: 120_000 }, async () => {
    const instances = await db().applicationInstance.findMany({
      orderBy: { id: "asc" },
      select: { id: true, appType: true, groupId: true },
    });
    expect(instances.map((i) => i.appType)).toEqual(["docker", "site"]);
    const request = updateRequestInput.parse({
      groupId: instances[0]!.groupId,
      targetVersion: "1.1",
      drainDelaySec: 0,
      waitAfterUpdateSec: 0,
      confirmTimeoutSec: 10,
    });
    const { id } = await startUpdateTask(request, "olga");
    await taskFinished(id);
    expect(await db().task.findUniqueOrThrow({ where: { id }, select: { status: true, error: true } })).toEqual({
      status: "succeeded",
      error: null,
    });
    const received = (await fs.readdir(await varsDir)).sort();
    expect(received).toEqual(instances.map((i) => `веб-1__auth-service_1__${i.id}.json`));
    expect(await agentVersion(sim, "веб-1", "docker", "auth-service_1")).toBe("1.1");
    const site = (await sim.control.getApps("веб-1")).site as Record<string, unknown>[];
    expect(site[0]).toMatchObject({ name: "auth-service_1", version: "1.1" });
  });
});
