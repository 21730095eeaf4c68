// Multi-group rollouts and canaries (docs/update-tasks.md, "Multi-group rollouts and canaries")
// against a real HAProxy (tools/haproxy-lab) fronted by a simulated agent, with the real
// ansible-playbook and the simulated fleet of update-fleet.ts: group "cart" (6 services) is the
// backend, group "shop" (4 docker apps) the web tier. Drain and ready go through AC's own HAProxy
// path (server/haproxy/commands); the assertions read HAProxy, the task row and the audit log.
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { resetBreaker } from "@/server/haproxy/breaker";
import { invalidateLive } from "@/server/haproxy/live";
import { syncInstance } from "@/server/haproxy/sync";
import { setTaskDeps } from "@/server/tasks/deps";
import type { TaskProgress } from "@/server/tasks/plan-types";
import { dispatchTasks, runningHere, taskFinished } from "@/server/tasks/queue";
import { reapExpiredTasks } from "@/server/tasks/reaper";
import { thisRunner } from "@/server/tasks/runner-identity";
import { createContextInner } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { serverStates, startHaproxyLab, type HaproxyLab } from "@/tools/haproxy-lab";
import { spawnRunner } from "./helpers/runner-child";
import { agentVersion, loadFleet, testAgent, updateScenario, waitForTask } from "./helpers/update-fleet";

const SHOP = ["web-1/shop_1", "web-1/shop_2", "web-2/shop_1", "web-2/shop_2"];
const CART = ["web-1", "web-2", "web-3"].flatMap((s) => [`${s}/cart_1`, `${s}/cart_2`]);
const port = (s: string) => (s.includes("shop") ? 8080 : 9080) + Number(s.split("_").at(-1));
const haproxyName = (s: string) => s.replace("/", "_");
const at = (s: string) => s.split("/") as [string, string];

const as = (role: "operator" | "viewer", id: number) =>
  createCaller(
    createContextInner({ kind: "user", id, login: role === "operator" ? "olga" : "vera", displayName: null, role }),
  );
let operator: ReturnType<typeof as>;
let viewer: ReturnType<typeof as>;
let sim: Simulator;
let lab: HaproxyLab;
let fleet: Awaited<ReturnType<typeof loadFleet>>;
const options = { drainDelaySec: 0, waitAfterUpdateSec: 0, confirmTimeoutSec: 30 };

/** A fresh fleet (every instance on 1.0), its apps on the ports HAProxy names, lb-host serving the lab. */
async function startFleet() {
  sim = await startSimulator({
    scenario: { ...updateScenario, agents: [...updateScenario.agents, { name: "lb-host" }] },
    controlPort: 0,
  });
  process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
  for (const s of SHOP) await sim.control.setApp(at(s)[0], "docker", at(s)[1], { port: port(s) });
  for (const s of CART) await sim.control.setApp(at(s)[0], "service", at(s)[1], { port: port(s) });
  if (lab) await sim.control.addHaproxy("lb-host", { name: "lb1", socket: lab.socket });
}

beforeAll(async () => {
  await startFleet();
  const ip = (agent: string) => sim.agents.find((a) => a.name === agent)!.ip;
  const backend = (name: string, servers: string[]) => ({
    name,
    servers: servers.map((s) => ({ name: haproxyName(s), address: `${ip(at(s)[0])}:${port(s)}`, check: false })),
  });
  lab = await startHaproxyLab({ backends: [backend("be_cart", CART), backend("be_shop", SHOP)] });
});
afterAll(async () => {
  setTaskDeps(undefined);
  await sim?.stop();
  await lab?.stop();
});
beforeEach(async () => {
  await sim.stop();
  await startFleet();
  await resetDatabase();
  await resetBreaker();
  fleet = await loadFleet(sim);
  for (const s of [...SHOP, ...CART])
    await lab.command(`set server ${s.includes("shop") ? "be_shop" : "be_cart"}/${haproxyName(s)} state ready`);
  const lbHost = await db().server.update({ where: { name: "lb-host" }, data: { isHaproxyNode: true } });
  const { id: haproxyId } = await db().hAProxyInstance.create({ data: { name: "lb1", serverId: lbHost.id } });
  await invalidateLive(haproxyId);
  expect(await syncInstance(haproxyId)).toMatchObject({ ok: true, mapping: { mapped: 10, unmapped: 0 } });
  const users = await Promise.all(
    ["olga", "vera"].map((login, i) =>
      db().user.create({ data: { login, passwordHash: "x", role: i === 0 ? "operator" : "viewer" } }),
    ),
  );
  operator = as("operator", users[0]!.id);
  viewer = as("viewer", users[1]!.id);
  setTaskDeps({ agent: testAgent, confirmPollMs: 200 });
});
afterEach(() => {
  delete process.env.AC_TEST_FAIL_INSTANCES;
});

const progressOf = (task: { progress: unknown }) => task.progress as TaskProgress;
const paused = (task: { status: string }) => task.status === "paused";
/** Servers HAProxy itself has out of the pool, in both backends. */
async function outOfPool() {
  const states = [...(await serverStates(lab.socket, "be_cart")), ...(await serverStates(lab.socket, "be_shop"))];
  return states.filter(([, s]) => s === "DRAIN" || s === "MAINT").map(([name]) => name);
}
/** The HAProxy commands the task sent, in order, from the audit log: [command, backend]. */
async function commandsOf(taskId: string) {
  const rows = await db().auditEntry.findMany({ where: { taskId, action: "haproxy.command" }, orderBy: { id: "asc" } });
  return rows.map((r) => [(r.details as { command: string }).command, r.targetLabel!.split("/")[1]]);
}
const versions = (servers: string[], kind: "docker" | "service") =>
  Promise.all(servers.map((s) => agentVersion(sim, at(s)[0], kind, at(s)[1])));

describe("a multi-group rollout", () => {
  it(
    "updates the backend group before the web group, waits in a pause for Continue, then finishes",
    { timeout: 240_000 },
    async () => {
      const stages = [
        { groupId: fleet.cart.id, targetVersion: "2.0" },
        { groupId: fleet.shop.id, targetVersion: "7.0" },
      ];
      const plan = await operator.tasks.previewRollout({ stages, pauseBetweenStages: true, ...options });
      expect(plan.stages!.map((s) => [s.group!.name, s.targetVersion, s.firstBatch, s.batchCount])).toEqual([
        ["cart", "2.0", 0, 3],
        ["shop", "7.0", 3, 2],
      ]);
      const { id } = await operator.tasks.startRollout({ stages, pauseBetweenStages: true, ...options });
      await waitForTask(id, paused, 180_000);

      // Paused after the cart stage: nothing of the shop stage has started, and it holds nothing.
      const held = await operator.tasks.get({ id });
      expect(held.progress!.pause).toMatchObject({ afterBatch: 2, reason: "stage" });
      expect(held.progress!.batches.map((b) => b.status)).toEqual([
        "succeeded",
        "succeeded",
        "succeeded",
        "pending",
        "pending",
      ]);
      for (const b of held.progress!.batches.slice(3))
        for (const step of b.steps) expect(step).toMatchObject({ status: "pending", startedAt: null });
      expect(await versions(CART, "service")).toEqual(Array(6).fill("2.0"));
      expect(await versions(SHOP, "docker")).toEqual(Array(4).fill("1.0"));
      expect((await commandsOf(id)).filter(([, backend]) => backend === "be_shop")).toEqual([]);
      expect(await outOfPool()).toEqual([]);
      // The pause is the database's: no lease, no run in this process, untouched by a reaper.
      const row = await db().task.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ status: "paused", leaseExpiresAt: null, finishedAt: null });
      expect(runningHere()).not.toContain(id);
      expect(await reapExpiredTasks(new Date(Date.now() + 3600_000))).toBe(0);
      expect(await db().task.count({ where: { status: "running" } })).toBe(0);
      expect((await operator.tasks.log({ id, offset: 0 })).text).toMatch(
        /paused after stage 1\/2 \(cart\): waiting for an operator's Continue/,
      );

      // Only an operator continues.
      await expect(viewer.tasks.continue({ id })).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect((await db().task.findUniqueOrThrow({ where: { id } })).status).toBe("paused");
      expect(await operator.tasks.continue({ id })).toEqual({ status: "pending" });
      await expect(operator.tasks.continue({ id })).rejects.toBeInstanceOf(TRPCError); // no longer paused
      await taskFinished(id);

      const done = await operator.tasks.get({ id });
      expect(done).toMatchObject({ status: "succeeded", error: null, counts: { batches: 5, batchesDone: 5 } });
      expect(done.startedAt).toEqual(held.startedAt); // the continued run keeps when the task started
      // Every step of the cart stage ended before the first step of the shop stage began.
      const times = (from: number, to: number, key: "startedAt" | "finishedAt") =>
        done
          .progress!.batches.slice(from, to)
          .flatMap((b) => b.steps.map((s) => s[key]))
          .filter((t): t is string => t !== null);
      expect(times(0, 3, "finishedAt").sort().at(-1)! <= times(3, 5, "startedAt").sort()[0]!).toBe(true);
      // HAProxy saw the same order: all of be_cart drained and readied, then be_shop.
      const backends = (await commandsOf(id)).map(([, backend]) => backend);
      expect(backends).toEqual([...Array(12).fill("be_cart"), ...Array(8).fill("be_shop")]);
      expect(await outOfPool()).toEqual([]);
      expect(await versions(SHOP, "docker")).toEqual(Array(4).fill("7.0"));
      const history = await db().applicationVersionHistory.findMany({ where: { taskId: id } });
      expect(history.map((h) => h.newVersion).sort()).toEqual([...Array(6).fill("2.0"), ...Array(4).fill("7.0")]);

      // Audit: the rollout's start, the job's pause, the operator's continue, the job's finish.
      const audit = await db().auditEntry.findMany({
        where: { taskId: id, action: { in: ["tasks.startRollout", "tasks.pause", "tasks.continue", "tasks.finish"] } },
        orderBy: { id: "asc" },
      });
      expect(audit.map((r) => [r.action, r.actorName, r.outcome])).toEqual([
        ["tasks.startRollout", "olga", "success"],
        ["tasks.pause", "job:update-task", "success"],
        ["tasks.continue", "olga", "success"],
        ["tasks.finish", "job:update-task", "success"],
      ]);
      expect(audit[2]).toMatchObject({
        targetType: "task",
        targetId: id,
        changes: { status: { from: "paused", to: "pending" } },
        details: expect.objectContaining({ after: "stage 1/2 (cart)" }),
      });
      // The viewer's attempt is on record as refused.
      expect(await db().auditEntry.count({ where: { action: "tasks.continue", outcome: "refused" } })).toBe(1);
      // The tasks list finds the rollout under either group.
      for (const groupId of [fleet.cart.id, fleet.shop.id])
        expect((await operator.tasks.list({ groupId })).items.map((t) => t.id)).toEqual([id]);
    },
  );

  it(
    "canary: the first batch is one instance, then a pause; the paused task holds its instances; cancel ends it",
    { timeout: 180_000 },
    async () => {
      const stages = [
        { groupId: fleet.cart.id, targetVersion: "3.0" },
        { groupId: fleet.shop.id, targetVersion: "8.0" },
      ];
      const { id } = await operator.tasks.startRollout({ stages, canary: true, ...options });
      const held = progressOf(await waitForTask(id, paused, 120_000));
      expect(held.plan.batches.map((b) => b.instances.length)).toEqual([1, 2, 2, 1, 2, 2]);
      expect(held.plan.batches[0]).toMatchObject({ canary: true });
      expect(held.pause).toMatchObject({ afterBatch: 0, reason: "canary" });
      expect(held.batches.map((b) => b.status)).toEqual(["succeeded", ...Array(5).fill("pending")]);
      const canary = held.plan.batches[0]!.instances[0]!;
      expect(`${canary.server.name}/${canary.name}`).toBe("web-1/cart_1");
      expect(await versions(CART, "service")).toEqual(["3.0", ...Array(5).fill("1.0")]);

      // While paused, its instances stay taken.
      await expect(operator.tasks.start({ groupId: fleet.shop.id, targetVersion: "8.1" })).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringMatching(`already in update task ${id.slice(0, 8)} \\(paused, started by olga\\)`),
      });

      expect(await operator.tasks.cancel({ id, mode: "after_step" })).toMatchObject({ status: "cancelled" });
      const task = await operator.tasks.get({ id });
      expect(task).toMatchObject({ status: "cancelled", error: "Cancelled by olga while paused" });
      expect(task.progress!.pause).toBeNull();
      expect(task.progress!.batches.slice(1).map((b) => b.status)).toEqual(Array(5).fill("pending"));
      await expect(operator.tasks.continue({ id })).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await versions(CART, "service")).toEqual(["3.0", ...Array(5).fill("1.0")]);
      expect(await outOfPool()).toEqual([]);
      // The instances are free again.
      expect(await operator.tasks.preview({ groupId: fleet.shop.id, targetVersion: "8.1" })).toMatchObject({
        problems: [],
      });
    },
  );

  it(
    "a single-group update with a canary pauses after one instance and finishes after Continue",
    {
      timeout: 180_000,
    },
    async () => {
      const { id } = await operator.tasks.start({
        groupId: fleet.shop.id,
        targetVersion: "9.0",
        canary: true,
        ...options,
      });
      const held = progressOf(await waitForTask(id, paused, 120_000));
      expect(held.plan.batches.map((b) => b.instances.map((i) => `${i.server.name}/${i.name}`))).toEqual([
        ["web-1/shop_1"],
        ["web-1/shop_2", "web-2/shop_1"],
        ["web-2/shop_2"],
      ]);
      expect(await versions(SHOP, "docker")).toEqual(["9.0", "1.0", "1.0", "1.0"]);
      await operator.tasks.continue({ id });
      await taskFinished(id);
      expect(await operator.tasks.get({ id })).toMatchObject({ status: "succeeded", counts: { batchesDone: 3 } });
      expect(await versions(SHOP, "docker")).toEqual(Array(4).fill("9.0"));
      expect((await operator.tasks.log({ id, offset: 0 })).text).toMatch(
        /continued by olga after the canary \(batch 1\/3\): next batch 2\/3/,
      );
    },
  );

  it(
    "a rollout failing in its second group retries as a rollout of the rest; a group twice is refused",
    { timeout: 180_000 },
    async () => {
      await expect(
        operator.tasks.startRollout({
          stages: [
            { groupId: fleet.cart.id, targetVersion: "1.1" },
            { groupId: fleet.cart.id, targetVersion: "1.2" },
          ],
        }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
      process.env.AC_TEST_FAIL_INSTANCES = "web-2/shop_2";
      const stages = [
        { groupId: fleet.cart.id, targetVersion: "4.0", strategy: "all_at_once" as const },
        { groupId: fleet.shop.id, targetVersion: "10.0", strategy: "one_at_a_time" as const },
      ];
      const { id } = await operator.tasks.startRollout({ stages, ...options });
      await taskFinished(id);
      const failed = await operator.tasks.get({ id });
      expect(failed.error).toMatch(/^stage 2\/2 \(shop\), batch 5\/5, step playbook failed: /);
      expect(await outOfPool()).toEqual(["web-2_shop_2"]);

      delete process.env.AC_TEST_FAIL_INSTANCES;
      const retry = await operator.tasks.retry({ id });
      expect(retry.fromBatch).toBe(4);
      await taskFinished(retry.id);
      const task = await operator.tasks.get({ id: retry.id });
      expect(task).toMatchObject({ status: "succeeded", retryOfId: id });
      expect(task.stages.map((s) => [s.group!.name, s.targetVersion])).toEqual([["shop", "10.0"]]);
      expect(task.progress!.plan.batches.flatMap((b) => b.instances.map((i) => `${i.server.name}/${i.name}`))).toEqual([
        "web-2/shop_2",
      ]);
      expect(await outOfPool()).toEqual([]);
    },
  );

  it(
    "return to pool after a retry that stopped before its drain readies the servers the retry took over",
    { timeout: 180_000 },
    async () => {
      process.env.AC_TEST_FAIL_INSTANCES = "web-2/shop_2";
      const { id } = await operator.tasks.start({
        groupId: fleet.shop.id,
        targetVersion: "12.0",
        strategy: "all_at_once",
        ...options,
      });
      await taskFinished(id);
      expect((await operator.tasks.get({ id })).status).toBe("failed");
      const shopServers = SHOP.map(haproxyName);
      expect((await outOfPool()).sort()).toEqual(shopServers);
      delete process.env.AC_TEST_FAIL_INSTANCES;

      // The retry is cancelled before any runner claims it: this process only enqueues meanwhile
      // (its dispatch pass, if one is under way, ends first).
      await dispatchTasks();
      const runnerWas = process.env.TASK_RUNNER_ENABLED;
      process.env.TASK_RUNNER_ENABLED = "false";
      reloadConfig();
      try {
        const retry = await operator.tasks.retry({ id });
        expect(await operator.tasks.cancel({ id: retry.id, mode: "now" })).toMatchObject({ status: "cancelled" });
        const labels = shopServers.map((s) => `lb1/be_shop/${s}`);
        expect(
          progressOf(await operator.tasks.get({ id: retry.id }))
            .outOfPool!.map((s) => s.label)
            .sort(),
        ).toEqual(labels);
        // Their last command is the drain of the task the retry retries: the retry's own, not someone else's.
        const returned = await operator.tasks.returnToPool({ id: retry.id });
        expect({ ...returned, readied: [...returned.readied].sort() }).toEqual({
          readied: labels,
          failed: [],
          skipped: [],
        });
        expect(await outOfPool()).toEqual([]);
        expect(await commandsOf(retry.id)).toEqual(SHOP.map(() => ["ready", "be_shop"]));
      } finally {
        if (runnerWas === undefined) delete process.env.TASK_RUNNER_ENABLED;
        else process.env.TASK_RUNNER_ENABLED = runnerWas;
        reloadConfig();
      }
    },
  );

  it(
    "the pause outlives the replica that ran the task: after Continue, another runner process goes on",
    { timeout: 240_000 },
    async () => {
      const stages = [
        { groupId: fleet.cart.id, targetVersion: "5.0", strategy: "all_at_once" as const },
        { groupId: fleet.shop.id, targetVersion: "11.0", strategy: "all_at_once" as const },
      ];
      const { id } = await operator.tasks.startRollout({ stages, pauseBetweenStages: true, ...options });
      await waitForTask(id, paused, 120_000);
      expect((await db().task.findUniqueOrThrow({ where: { id } })).runnerId).toBe(thisRunner.id);
      // This process stops running tasks (as a replica that went away); another replica's runner starts.
      process.env.TASK_RUNNER_ENABLED = "false";
      reloadConfig();
      const other = await spawnRunner({
        TASK_RUNNER_ENABLED: "true",
        TASK_HEARTBEAT_SECONDS: "1",
        TASK_LEASE_SECONDS: "6",
      });
      try {
        await operator.tasks.continue({ id });
        const done = await waitForTask(id, (t) => !["pending", "running"].includes(t.status), 180_000);
        expect(done.status).toBe("succeeded");
        expect((await db().task.findUniqueOrThrow({ where: { id } })).runnerId).toBe(other.runnerId);
        expect(await versions(SHOP, "docker")).toEqual(Array(4).fill("11.0"));
        expect(await outOfPool()).toEqual([]);
      } finally {
        process.env.TASK_RUNNER_ENABLED = "true";
        reloadConfig();
        await other.kill();
      }
    },
  );
});
