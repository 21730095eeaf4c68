// Around a task's life: AC dying mid-task (a real child process killed with SIGKILL, its
// playbook left running, its lease reaped), and the global limit on parallel tasks. Real
// ansible-playbook. Runners on several replicas: task-runners.test.ts.
process.env.TASKS_MAX_PARALLEL = "1"; // read on first use of the configuration, below

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { setTaskDeps } from "@/server/tasks/deps";
import { updateRequestInput } from "@/server/tasks/plan";
import type { TaskProgress } from "@/server/tasks/plan-types";
import { taskFinished } from "@/server/tasks/queue";
import { reapExpiredTasks } from "@/server/tasks/reaper";
import { thisRunner } from "@/server/tasks/runner-identity";
import { startUpdateTask } from "@/server/tasks/start";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { spawnRunner } from "./helpers/runner-child";
import { FakeHaproxy, instanceId, loadFleet, testAgent, updateScenario, waitForTask } from "./helpers/update-fleet";

const request = (input: Record<string, unknown>) =>
  updateRequestInput.parse({ drainDelaySec: 0, waitAfterUpdateSec: 0, confirmTimeoutSec: 20, ...input });
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: updateScenario, controlPort: 0 });
  process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
});
afterAll(async () => {
  setTaskDeps(undefined);
  await sim.stop();
});
beforeEach(async () => {
  await resetDatabase();
  await loadFleet(sim);
  setTaskDeps({ haproxy: new FakeHaproxy(), agent: testAgent, confirmPollMs: 200 });
});
afterEach(() => {
  delete process.env.AC_TEST_PLAYBOOK_SLEEP;
});

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("update task lifecycle", () => {
  it(
    "a task whose runner died is reaped once its lease ran out, with its last step, and its leftover playbook is ended",
    { timeout: 120_000 },
    async () => {
      const shop = await db().applicationGroup.findUniqueOrThrow({ where: { name: "shop" } });
      const runner = await spawnRunner(
        { AC_TEST_PLAYBOOK_SLEEP: "60", TASK_LEASE_SECONDS: "6", TASK_HEARTBEAT_SECONDS: "1" },
        { groupId: shop.id, targetVersion: "3.0", orchestrateHaproxy: false },
      );
      const id = runner.taskId!;
      try {
        const running = await waitForTask(
          id,
          (t) =>
            (t.progress as TaskProgress).current?.step === "playbook" && !!(t.progress as TaskProgress).playbookPid,
        );
        const pid = (running.progress as TaskProgress).playbookPid!;
        await runner.kill(); // AC dies; its playbook, in its own process group, lives on
        expect(groupAlive(pid)).toBe(true);

        // Within its lease the dead runner's task is left alone; after it, any runner reaps it.
        const { leaseExpiresAt, runnerId } = await db().task.findUniqueOrThrow({ where: { id } });
        expect(runnerId).toBe(runner.runnerId);
        expect(await reapExpiredTasks(new Date(leaseExpiresAt!.getTime() - 1))).toBe(0);
        expect(await reapExpiredTasks(new Date(leaseExpiresAt!.getTime() + 1))).toBe(1);
        const task = await db().task.findUniqueOrThrow({ where: { id } });
        expect(task.status).toBe("interrupted");
        expect(task.finishedAt).not.toBeNull();
        expect(task.error).toMatch(
          new RegExp(
            `^Interrupted: its runner ${runnerId} stopped renewing its lease .*, during batch 1/2, step playbook\\.$`,
          ),
        );
        const progress = task.progress as unknown as TaskProgress;
        expect(progress.failure).toMatchObject({ batch: 0, step: "playbook" });
        expect(progress.batches[0]!.steps.find((s) => s.name === "playbook")!.status).toBe("failed");
        expect(task.log).toMatch(new RegExp(`the playbook left running \\(process group ${pid}\\) was terminated`));
        for (let i = 0; i < 100 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
        expect(groupAlive(pid)).toBe(false);
        expect(await reapExpiredTasks(new Date(Date.now() + 3_600_000))).toBe(0); // nothing stays "running"
      } finally {
        await runner.kill();
      }
    },
  );

  it("beyond TASKS_MAX_PARALLEL, tasks wait as pending and start when a slot frees", { timeout: 120_000 }, async () => {
    process.env.AC_TEST_PLAYBOOK_SLEEP = "2";
    const a = await startUpdateTask(
      request({ instanceIds: [await instanceId("web-1", "shop_1")], targetVersion: "3.1" }),
      "olga",
    );
    const b = await startUpdateTask(
      request({ instanceIds: [await instanceId("web-2", "shop_1")], targetVersion: "3.1" }),
      "olga",
    );
    expect(await db().task.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: "running" });
    expect(await db().task.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({
      status: "pending",
      startedAt: null,
    });
    await taskFinished(a.id);
    await waitForTask(b.id, (t) => t.status !== "pending");
    await taskFinished(b.id);
    const [ta, tb] = await Promise.all([a, b].map(({ id }) => db().task.findUniqueOrThrow({ where: { id } })));
    expect([ta!.status, tb!.status]).toEqual(["succeeded", "succeeded"]);
    expect(tb!.startedAt!.getTime()).toBeGreaterThanOrEqual(ta!.finishedAt!.getTime());
  });

  it("a task this process has just claimed, not yet registered as running, is not reaped as over", async () => {
    // Next's bundles each run a dispatch pass: one claims the task (committed) while the other has
    // already read which runs are registered here. The demo's first rollout was reaped so.
    const now = new Date();
    const task = await db().task.create({
      data: {
        kind: "update",
        status: "running",
        target: { groupId: null, instanceIds: [] },
        parameters: {},
        createdBy: "test",
        startedAt: now,
        runnerId: thisRunner.id,
        runnerHost: thisRunner.host,
        heartbeatAt: now,
        leaseExpiresAt: new Date(now.getTime() + 60_000),
      },
    });
    expect(await reapExpiredTasks(now)).toBe(0);
    expect((await db().task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("running");
    // A heartbeat later it is not renewed (it runs nowhere here): its run is over, and it is reaped.
    expect(await reapExpiredTasks(new Date(now.getTime() + 10_000))).toBe(1);
    expect(await db().task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({
      status: "interrupted",
      error: expect.stringMatching(/its run ended without its final status reaching the database/),
    });
  });

  it("a pending task cancelled never starts", { timeout: 120_000 }, async () => {
    process.env.AC_TEST_PLAYBOOK_SLEEP = "2";
    const { cancelTask } = await import("@/server/tasks/cancel");
    const a = await startUpdateTask(
      request({ instanceIds: [await instanceId("web-1", "shop_2")], targetVersion: "3.2" }),
      "olga",
    );
    const b = await startUpdateTask(
      request({ instanceIds: [await instanceId("web-2", "shop_2")], targetVersion: "3.2" }),
      "olga",
    );
    expect(await cancelTask({ id: b.id, mode: "after_step" }, "olga")).toMatchObject({ status: "cancelled" });
    await taskFinished(a.id);
    const tb = await db().task.findUniqueOrThrow({ where: { id: b.id } });
    expect(tb).toMatchObject({ status: "cancelled", startedAt: null, error: "Cancelled by olga before it started" });
  });
});
