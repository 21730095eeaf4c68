// Update tasks end to end with the real ansible-playbook (ansible/simulator-update.yml, connection
// local, "installs" by telling the simulator) against simulated agents on 127.0.66.x and a real
// PostgreSQL. HAProxy is a recording fake here; update-tasks-haproxy.test.ts uses a real one.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { setTaskDeps } from "@/server/tasks/deps";
import { updateRequestInput } from "@/server/tasks/plan";
import type { TaskProgress } from "@/server/tasks/plan-types";
import { taskFinished } from "@/server/tasks/queue";
import { startUpdateTask } from "@/server/tasks/start";
import { createContextInner } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import { createApiToken } from "@/server/users/api-tokens";
import { resetDatabase } from "@/tests/setup/db-helpers";
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

const operator = createCaller(
  createContextInner({ kind: "user", id: 1, login: "olga", displayName: null, role: "operator" }),
);
const request = (input: Record<string, unknown>) =>
  updateRequestInput.parse({ drainDelaySec: 0, waitAfterUpdateSec: 0, confirmTimeoutSec: 20, ...input });
const progressOf = (task: { progress: unknown }) => task.progress as TaskProgress;
const inStep = (batch: number, step: string) => (task: { progress: unknown }) => {
  const p = progressOf(task);
  return (
    p.current?.batch === batch &&
    p.current.step === step &&
    p.batches[batch]!.steps.find((s) => s.name === step)!.status === "running"
  );
};

let sim: Simulator;
let haproxy: FakeHaproxy;
let fleet: Awaited<ReturnType<typeof loadFleet>>;

beforeAll(async () => {
  sim = await startSimulator({ scenario: updateScenario, controlPort: 0 });
});
afterAll(async () => {
  setTaskDeps(undefined);
  await sim.stop();
});
beforeEach(async () => {
  await sim.stop();
  sim = await startSimulator({ scenario: updateScenario, controlPort: 0 });
  process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
  await resetDatabase();
  fleet = await loadFleet(sim);
  haproxy = new FakeHaproxy();
  setTaskDeps({ haproxy, agent: testAgent, confirmPollMs: 200 });
});
afterEach(() => {
  delete process.env.AC_TEST_FAIL_INSTANCES;
  delete process.env.AC_TEST_PLAYBOOK_SLEEP;
  delete process.env.AC_TEST_VARS_DIR;
});

describe("an update task", () => {
  it("previews the plan: batches by the group's strategy, playbook and its source, artifact URL, servers to drain", async () => {
    const plan = await operator.tasks.preview({ groupId: fleet.shop.id, targetVersion: "1.1" });
    expect(plan).toMatchObject({ group: { name: "shop" }, strategy: "fixed_size", batchSize: 2, problems: [] });
    expect(plan.batches.map((b) => b.instances.map((i) => `${i.server.name}/${i.name}`))).toEqual([
      ["web-1/shop_1", "web-1/shop_2"],
      ["web-2/shop_1", "web-2/shop_2"],
    ]);
    const first = plan.batches[0]!.instances[0]!;
    expect(first.playbook).toEqual({
      value: expect.stringMatching(/ansible\/simulator-update\.yml$/),
      source: "group",
    });
    expect(first.artifactUrl).toEqual({ value: "http://127.0.66.1:1/v2/shop/tags/list", source: "group" });
    expect(first.haproxy).toEqual([
      { haproxyServerId: 1000 + first.id, label: `be_app/${1000 + first.id}`, status: "UP" },
    ]);
    const missing = path.resolve("ansible/nowhere/update.yml");
    await db().applicationGroup.update({ where: { id: fleet.shop.id }, data: { updatePlaybookPath: missing } });
    await expect(operator.tasks.start({ groupId: fleet.shop.id, targetVersion: "1.1" })).rejects.toThrow(
      `Playbook ${missing} does not exist on the AC host`,
    );
  });

  it(
    "rolls out batch by batch: one batch drained at a time, all ready at the end, the agent reports the new version, history names the task",
    { timeout: 120_000 },
    async () => {
      const varsDir = await fs.mkdtemp(path.join(os.tmpdir(), "ac-vars-"));
      process.env.AC_TEST_VARS_DIR = varsDir;
      const { id } = await operator.tasks.start({
        groupId: fleet.shop.id,
        targetVersion: "1.1",
        drainDelaySec: 1,
        waitAfterUpdateSec: 1,
        confirmTimeoutSec: 20,
      });
      await taskFinished(id);
      const task = await operator.tasks.get({ id });
      expect(task).toMatchObject({
        status: "succeeded",
        error: null,
        createdBy: "olga",
        counts: { batches: 2, batchesDone: 2 },
      });
      // The Eureka steps (first and last) are skipped: the task did not ask for them.
      const batchSteps = ["skipped", ...Array(6).fill("succeeded"), "skipped"];
      expect(task.progress!.batches.flatMap((b) => b.steps.map((s) => s.status))).toEqual([
        ...batchSteps,
        ...batchSteps,
      ]);

      // HAProxy: never more than one batch out of the pool, everything back at the end.
      const batchServers = task.progress!.plan.batches.map((b) => b.instances.map((i) => 1000 + i.id).sort());
      expect(haproxy.drainedSets.length).toBeGreaterThan(0);
      for (const drained of haproxy.drainedSets)
        expect(batchServers.some((batch) => drained.every((s) => batch.includes(s)))).toBe(true);
      expect([...haproxy.state.values()]).toEqual(["UP", "UP", "UP", "UP"]);
      expect(haproxy.commands.every((c) => c.taskId === id)).toBe(true);

      for (const server of ["web-1", "web-2"])
        for (const n of [1, 2]) expect(await agentVersion(sim, server, "docker", `shop_${n}`)).toBe("1.1");
      const history = await db().applicationVersionHistory.findMany({ orderBy: { id: "asc" } });
      expect(history).toHaveLength(4);
      for (const row of history)
        expect(row).toMatchObject({
          taskId: id,
          changedBy: "user",
          changeSource: "update_task",
          oldVersion: "1.0",
          newVersion: "1.1",
          oldTag: "1.0",
          newTag: "1.1",
        });
      await pollAll(); // the poll that sees the same versions writes no second row
      expect(await db().applicationVersionHistory.count()).toBe(4);
      expect(
        await db().applicationInstance.count({ where: { groupId: fleet.shop.id, version: "1.1", tag: "1.1" } }),
      ).toBe(4);

      // The playbook contract: what each host received.
      const shop1 = await instanceId("web-1", "shop_1");
      const received = JSON.parse(await fs.readFile(path.join(varsDir, "web-1__shop_1.json"), "utf8"));
      expect(received).toMatchObject({
        ansible_host: sim.agents[0]!.ip,
        ac_task_id: id,
        ac_target_version: "1.1",
        ac_batch: 1,
        ac_batches: 2,
        ac_instance_id: shop1,
        ac_instance_name: "shop_1",
        ac_server: "web-1",
        ac_server_ip: sim.agents[0]!.ip,
        ac_app_type: "docker",
        ac_current_version: "1.0",
        ac_artifact_url: "http://127.0.66.1:1/v2/shop/tags/list",
        ac_image: "reg/shop:1.0",
      });
      await fs.rm(varsDir, { recursive: true, force: true });

      // The log: AC's lines and the playbook's output, readable from an offset.
      const first = await operator.tasks.log({ id, offset: 0 });
      expect(first.text).toMatch(/batch 1\/2, step drain: done/);
      expect(first.text).toMatch(/PLAY RECAP/);
      expect(first.text).toMatch(/task succeeded/);
      expect(await operator.tasks.log({ id, offset: first.nextOffset })).toMatchObject({
        text: "",
        nextOffset: first.nextOffset,
      });
      expect((await operator.tasks.log({ id, offset: 10 })).text).toBe(first.text.slice(10));
    },
  );

  it(
    "stops at a failing playbook: earlier batches updated and ready, the failed batch drained, later ones untouched",
    { timeout: 120_000 },
    async () => {
      process.env.AC_TEST_FAIL_INSTANCES = "web-2/cart_1";
      const { id } = await startUpdateTask(request({ groupId: fleet.cart.id, targetVersion: "2.0" }), "olga");
      await taskFinished(id);
      const task = await operator.tasks.get({ id });
      expect(task.status).toBe("failed");
      expect(task.error).toMatch(
        /^batch 2\/3, step playbook failed: ansible-playbook exited with code 2: fatal: \[web-2__cart_1\].*simulated failure/,
      );
      expect(task.progress!.failure).toMatchObject({ batch: 1, step: "playbook" });
      expect(task.progress!.batches.map((b) => b.status)).toEqual(["succeeded", "failed", "pending"]);
      // drain_delay: no fixed delay, but the sessions were read (0) before the playbook.
      expect(task.progress!.batches[1]!.steps.map((s) => s.status)).toEqual([
        "skipped",
        "succeeded",
        "succeeded",
        "failed",
        "skipped",
        "skipped",
        "skipped",
        "skipped",
      ]);

      const ids = {
        w1: [await instanceId("web-1", "cart_1"), await instanceId("web-1", "cart_2")],
        w2: [await instanceId("web-2", "cart_1"), await instanceId("web-2", "cart_2")],
        w3: [await instanceId("web-3", "cart_1"), await instanceId("web-3", "cart_2")],
      };
      expect(ids.w1.map(haproxy.statusOf)).toEqual(["UP", "UP"]);
      expect(ids.w2.map(haproxy.statusOf)).toEqual(["DRAIN", "DRAIN"]);
      expect(haproxy.commands.filter((c) => ids.w3.includes(c.server - 1000))).toEqual([]);
      expect(await agentVersion(sim, "web-1", "service", "cart_1")).toBe("2.0");
      expect(await agentVersion(sim, "web-3", "service", "cart_1")).toBe("1.0");
      expect(await agentVersion(sim, "web-3", "service", "cart_2")).toBe("1.0");
      const history = await db().applicationVersionHistory.findMany({ where: { taskId: id } });
      expect(history.map((h) => h.instanceId).sort()).toEqual([...ids.w1].sort());
      expect((await operator.tasks.log({ id, offset: 0 })).text).toMatch(
        /left out of the pool for inspection: be_app\/\d+, be_app\/\d+/,
      );
    },
  );

  it(
    "cancel after the current step lets the running playbook finish, then stops before the next step",
    { timeout: 120_000 },
    async () => {
      process.env.AC_TEST_PLAYBOOK_SLEEP = "3";
      const { id } = await startUpdateTask(request({ groupId: fleet.shop.id, targetVersion: "1.2" }), "olga");
      await waitForTask(id, inStep(0, "playbook"));
      expect(await operator.tasks.cancel({ id, mode: "after_step" })).toMatchObject({ status: "running" });
      await taskFinished(id);
      const task = await operator.tasks.get({ id });
      expect(task).toMatchObject({
        status: "cancelled",
        error: "Cancelled after batch 1/2, step playbook",
        cancelRequested: true,
      });
      expect(task.progress!.batches[0]!.steps.map((s) => s.status)).toEqual([
        "skipped",
        "succeeded",
        "succeeded",
        "succeeded",
        "skipped",
        "skipped",
        "skipped",
        "skipped",
      ]);
      expect(task.progress!.batches[1]!.status).toBe("pending");
      expect(await agentVersion(sim, "web-1", "docker", "shop_1")).toBe("1.2"); // the playbook completed
      expect(await agentVersion(sim, "web-2", "docker", "shop_1")).toBe("1.0");
      expect((await operator.tasks.log({ id, offset: 0 })).text).toMatch(
        /cancel requested by olga: after the current step/,
      );
    },
  );

  it("cancel now terminates the playbook's process group and logs it", { timeout: 120_000 }, async () => {
    process.env.AC_TEST_PLAYBOOK_SLEEP = "60";
    const { id } = await startUpdateTask(request({ groupId: fleet.shop.id, targetVersion: "1.3" }), "olga");
    const running = await waitForTask(id, (t) => inStep(0, "playbook")(t) && !!progressOf(t).playbookPid);
    const pid = progressOf(running).playbookPid!;
    await operator.tasks.cancel({ id, mode: "now" });
    await taskFinished(id);
    const task = await operator.tasks.get({ id });
    expect(task).toMatchObject({ status: "cancelled", error: "Cancelled during batch 1/2, step playbook" });
    expect(task.progress!.batches[0]!.steps.find((s) => s.name === "playbook")!.status).toBe("cancelled");
    expect((await operator.tasks.log({ id, offset: 0 })).text).toMatch(
      new RegExp(`cancel now: terminating the playbook's process group ${pid} \\(SIGTERM\\)`),
    );
    expect(() => process.kill(-pid, 0)).toThrow(/ESRCH/);
    expect(await agentVersion(sim, "web-1", "docker", "shop_1")).toBe("1.0");
    expect(haproxy.statusOf(await instanceId("web-1", "shop_1"))).toBe("DRAIN"); // mid-playbook: left out for inspection
  });

  it("cancelled before the playbook ran, the drained servers go back into the pool", { timeout: 60_000 }, async () => {
    const { id } = await startUpdateTask(
      request({ groupId: fleet.shop.id, targetVersion: "1.3", drainDelaySec: 30 }),
      "olga",
    );
    await waitForTask(id, inStep(0, "drain_delay"));
    await operator.tasks.cancel({ id, mode: "now" });
    await taskFinished(id);
    expect(await operator.tasks.get({ id })).toMatchObject({
      status: "cancelled",
      error: "Cancelled during batch 1/2, step drain_delay",
    });
    expect([...haproxy.state.values()]).toEqual(["UP", "UP"]);
  });

  it(
    "keeps an instance in one unfinished task: a second request for it is refused, others may start",
    { timeout: 120_000 },
    async () => {
      process.env.AC_TEST_PLAYBOOK_SLEEP = "30";
      const web1 = [await instanceId("web-1", "shop_1"), await instanceId("web-1", "shop_2")];
      const first = await operator.tasks.start({ instanceIds: web1, targetVersion: "1.4" });
      const overlap = operator.tasks.start({
        instanceIds: [web1[1]!, await instanceId("web-2", "shop_1")],
        targetVersion: "1.5",
      });
      await expect(overlap).rejects.toBeInstanceOf(TRPCError);
      await expect(overlap).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringMatching(
          new RegExp(
            `^shop_2 on web-1 is already in update task ${first.id.slice(0, 8)} \\((running|pending), started by olga\\): wait for it to finish or cancel it$`,
          ),
        ),
      });
      const other = await operator.tasks.start({
        instanceIds: [await instanceId("web-2", "shop_1")],
        targetVersion: "1.5",
      });
      expect(other.id).not.toBe(first.id);
      for (const id of [first.id, other.id]) await operator.tasks.cancel({ id, mode: "now" });
      await Promise.all([taskFinished(first.id), taskFinished(other.id)]);
      // Finished tasks hold no instance: the same instances can be updated again.
      expect(await operator.tasks.preview({ instanceIds: web1, targetVersion: "1.4" })).toMatchObject({ problems: [] });
      await expect(operator.tasks.cancel({ id: first.id, mode: "now" })).rejects.toMatchObject({
        code: "CONFLICT",
        message: "The task has already finished (cancelled)",
      });
    },
  );

  it(
    "is usable by an internal tool with an operator API token over HTTP; a viewer token may only watch",
    { timeout: 120_000 },
    async () => {
      const http = (method: "GET" | "POST", procedure: string, token: string, input: unknown) => {
        const url = `http://localhost/api/trpc/${procedure}`;
        const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
        const body = JSON.stringify({ json: input });
        return method === "GET"
          ? GET(new Request(`${url}?input=${encodeURIComponent(body)}`, { headers }))
          : POST(new Request(url, { method, headers, body }));
      };
      const deployer = await createApiToken({ name: "deployer", role: "operator" });
      const watcher = await createApiToken({ name: "watcher", role: "viewer" });
      const input = { instanceIds: [await instanceId("web-1", "cart_1")], targetVersion: "4.0", waitAfterUpdateSec: 0 };
      expect((await http("POST", "tasks.start", watcher.secret, input)).status).toBe(403);
      const started = await http("POST", "tasks.start", deployer.secret, input);
      expect(started.status).toBe(200);
      const { id } = ((await started.json()) as { result: { data: { json: { id: string } } } }).result.data.json;
      await taskFinished(id);
      const log = await http("GET", "tasks.log", watcher.secret, { id, offset: 0 });
      const { task, text } = (
        (await log.json()) as {
          result: { data: { json: { task: { status: string; createdBy: string }; text: string } } };
        }
      ).result.data.json;
      expect(task).toMatchObject({ status: "succeeded", createdBy: "token:deployer" });
      expect(text).toMatch(/started by token:deployer/);
      expect(await db().applicationVersionHistory.findFirst({ where: { taskId: id } })).toMatchObject({
        changedBy: "user",
        notes: `update task ${id} by token:deployer`,
      });
    },
  );

  it(
    "a poll that sees the new version before the agent check: its history row becomes the task's, not a second one",
    { timeout: 120_000 },
    async () => {
      const id1 = await instanceId("web-3", "cart_1");
      const { id } = await startUpdateTask(
        request({ instanceIds: [id1], targetVersion: "5.0", waitAfterUpdateSec: 30 }),
        "olga",
      );
      await waitForTask(id, inStep(0, "wait_after_update"));
      await pollAll();
      expect(await db().applicationVersionHistory.findMany({ where: { instanceId: id1 } })).toMatchObject([
        { changeSource: "polling", newVersion: "5.0" },
      ]);
      await operator.tasks.cancel({ id, mode: "now" }); // cuts the wait short: no confirm, the row stays the poller's
      await taskFinished(id);
      const { id: again } = await startUpdateTask(
        request({ instanceIds: [id1], targetVersion: "5.1", waitAfterUpdateSec: 2 }),
        "olga",
      );
      await waitForTask(again, inStep(0, "wait_after_update"));
      await pollAll();
      await taskFinished(again);
      expect(await operator.tasks.get({ id: again })).toMatchObject({ status: "succeeded" });
      expect(
        await db().applicationVersionHistory.findMany({ where: { instanceId: id1 }, orderBy: { id: "asc" } }),
      ).toMatchObject([
        { changeSource: "polling", taskId: null, newVersion: "5.0" },
        { changeSource: "update_task", changedBy: "user", taskId: again, oldVersion: "5.0", newVersion: "5.1" },
      ]);
      await pollAll();
      expect(await db().applicationVersionHistory.count({ where: { instanceId: id1 } })).toBe(2);
    },
  );
});
