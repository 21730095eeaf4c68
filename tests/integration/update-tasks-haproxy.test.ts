// The rolling update against a real HAProxy: four instances of a group in batches of two, the
// test watching HAProxy's runtime API throughout. Real ansible-playbook, simulated agents.
//
// HAProxy is driven here through its runtime API by tests/integration/helpers/haproxy-runtime.ts
// (`runtimePort`). When server/haproxy (issue 5) and its simulator endpoints land, swap that
// port for the real `server/haproxy/commands` (sync the lab's backend, map its servers to these
// instances): the assertions, which read HAProxy itself, stay as they are.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { setTaskDeps } from "@/server/tasks/deps";
import { updateRequestInput } from "@/server/tasks/plan";
import { taskFinished } from "@/server/tasks/queue";
import { startUpdateTask } from "@/server/tasks/start";
import { getTask } from "@/server/tasks/queries";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { startHaproxy, runtimePort, type RuntimeHaproxy } from "./helpers/haproxy-runtime";
import { agentVersion, instanceId, loadFleet, pollAll, testAgent, updateScenario } from "./helpers/update-fleet";

const SERVERS = ["web-1/shop_1", "web-1/shop_2", "web-2/shop_1", "web-2/shop_2"];
const haproxyName = (s: string) => s.replace("/", "_");
let sim: Simulator;
let haproxy: RuntimeHaproxy;

beforeAll(async () => {
  sim = await startSimulator({ scenario: updateScenario, controlPort: 0 });
  process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
  haproxy = await startHaproxy("be_shop", SERVERS.map((s, i) => ({ name: haproxyName(s), address: `127.0.66.2:${18081 + i}` })));
});
afterAll(async () => {
  setTaskDeps(undefined);
  await haproxy?.stop();
  await sim.stop();
});
beforeEach(async () => {
  await resetDatabase();
  await loadFleet(sim);
  for (const s of SERVERS) await haproxy.command(`set server be_shop/${haproxyName(s)} state ready`);
  const mapping = new Map<number, string>();
  for (const s of SERVERS) mapping.set(await instanceId(s.split("/")[0]!, s.split("/")[1]!), haproxyName(s));
  setTaskDeps({ haproxy: runtimePort(haproxy, mapping), agent: testAgent, confirmPollMs: 200 });
});

/** Samples HAProxy's runtime API until stopped: each sample is the set of servers out of the pool. */
function watch(h: RuntimeHaproxy) {
  const samples: string[][] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const states = await h.states();
      samples.push([...states].filter(([, status]) => status === "DRAIN" || status === "MAINT").map(([name]) => name).sort());
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return { samples, stop: async () => ((running = false), await loop) };
}

const batchOf = (names: string[], batches: string[][]) => batches.findIndex((batch) => names.every((n) => batch.includes(n)));

describe("an update behind a real HAProxy", () => {
  it("drains no more than one batch at any moment, readies all at the end; the agents report the version; history names the task", { timeout: 120_000 }, async () => {
    const shop = await db().applicationGroup.findUniqueOrThrow({ where: { name: "shop" } });
    const watcher = watch(haproxy);
    const { id } = await startUpdateTask(updateRequestInput.parse({ groupId: shop.id, targetVersion: "7.0", drainDelaySec: 1, waitAfterUpdateSec: 1 }), "olga");
    await taskFinished(id);
    await watcher.stop();

    const task = await getTask(id);
    expect(task.status).toBe("succeeded");
    const batches = task.progress!.plan.batches.map((b) => b.instances.map((i) => haproxyName(`${i.server.name}/${i.name}`)));
    expect(batches).toEqual([["web-1_shop_1", "web-1_shop_2"], ["web-2_shop_1", "web-2_shop_2"]]);
    for (const drained of watcher.samples) expect(batchOf(drained, batches), `drained at once: ${drained.join(", ")}`).toBeGreaterThanOrEqual(0);
    // Both batches were seen out of the pool, whole, one after the other.
    const seen = watcher.samples.filter((s) => s.length).map((s) => batchOf(s, batches));
    expect(watcher.samples).toContainEqual(batches[0]);
    expect(watcher.samples).toContainEqual(batches[1]);
    expect(seen).toEqual([...seen].sort());
    expect([...(await haproxy.states()).values()].filter((s) => s === "DRAIN" || s === "MAINT")).toEqual([]);

    for (const s of SERVERS) expect(await agentVersion(sim, s.split("/")[0]!, "docker", s.split("/")[1]!)).toBe("7.0");
    const history = await db().applicationVersionHistory.findMany({ where: { taskId: id } });
    expect(history).toHaveLength(4);
    for (const row of history) expect(row).toMatchObject({ changedBy: "user", changeSource: "update_task", newVersion: "7.0" });
    await pollAll();
    expect(await db().applicationVersionHistory.count()).toBe(4);
  });

  it("a failing second batch stays out of the pool; the first is updated and back in", { timeout: 120_000 }, async () => {
    process.env.AC_TEST_FAIL_INSTANCES = "web-2/shop_2";
    try {
      const shop = await db().applicationGroup.findUniqueOrThrow({ where: { name: "shop" } });
      const { id } = await startUpdateTask(updateRequestInput.parse({ groupId: shop.id, targetVersion: "7.1", drainDelaySec: 0, waitAfterUpdateSec: 0 }), "olga");
      await taskFinished(id);
      expect((await getTask(id)).error).toMatch(/^batch 2\/2, step playbook failed: .*simulated failure updating shop_2 on web-2/);
      const states = await haproxy.states();
      expect(["web-1_shop_1", "web-1_shop_2"].map((n) => states.get(n))).not.toContain("DRAIN");
      expect(["web-2_shop_1", "web-2_shop_2"].map((n) => states.get(n))).toEqual(["DRAIN", "DRAIN"]);
      expect(await agentVersion(sim, "web-1", "docker", "shop_1")).toBe("7.1");
      expect(await agentVersion(sim, "web-2", "docker", "shop_2")).toBe("7.0");
    } finally {
      delete process.env.AC_TEST_FAIL_INSTANCES;
    }
  });
});
