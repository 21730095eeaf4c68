// Update tasks with two AC replicas on one database: this test process, and a real child process
// running a task runner (helpers/start-task-child.ts, tsx) that is finally killed with SIGKILL in
// the middle of a batch. Real HAProxy (tools/haproxy-lab) behind a simulated agent, real
// ansible-playbook, simulated application agents (docs/update-tasks.md, "Runners, leases and replicas").
//
// Short leases (6 s, a heartbeat every second) keep it quick; the child may run one task at a
// time (TASKS_MAX_PARALLEL=1), which decides which replica claims a task when both could.
process.env.TASK_LEASE_SECONDS = "6";
process.env.TASK_HEARTBEAT_SECONDS = "1";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { resetBreaker } from "@/server/haproxy/breaker";
import { invalidateLive } from "@/server/haproxy/live";
import { syncInstance } from "@/server/haproxy/sync";
import { cancelTask } from "@/server/tasks/cancel";
import { setTaskDeps } from "@/server/tasks/deps";
import { updateRequestInput } from "@/server/tasks/plan";
import { outOfPoolOf, type TaskProgress } from "@/server/tasks/plan-types";
import { runningHere, taskFinished } from "@/server/tasks/queue";
import { reapExpiredTasks } from "@/server/tasks/reaper";
import { thisRunner } from "@/server/tasks/runner-identity";
import { startUpdateTask } from "@/server/tasks/start";
import { startTaskRunner, stopTaskRunner } from "@/server/tasks/worker";
import { createContextInner } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { serverStates, startHaproxyLab, type HaproxyLab } from "@/tools/haproxy-lab";
import { spawnRunner, type RunnerChild } from "./helpers/runner-child";
import { agentVersion, instanceId, loadFleet, testAgent, updateScenario, waitForTask } from "./helpers/update-fleet";

const SERVERS = ["web-1/shop_1", "web-1/shop_2", "web-2/shop_1", "web-2/shop_2"];
const BACKEND = "be_shop";
const haproxyName = (s: string) => s.replace("/", "_");
const label = (s: string) => `lb1/${BACKEND}/${haproxyName(s)}`;
const appPort = (s: string) => 8080 + Number(s.split("_").at(-1));
const operator = createCaller(
  createContextInner({ kind: "user", id: 1, login: "olga", displayName: null, role: "operator" }),
);
const request = (input: Record<string, unknown>) =>
  updateRequestInput.parse({ drainDelaySec: 0, waitAfterUpdateSec: 0, confirmTimeoutSec: 20, ...input });
const progressOf = (task: { progress: unknown }) => task.progress as TaskProgress;
const inPlaybook = (task: { progress: unknown }) =>
  progressOf(task).current?.step === "playbook" && !!progressOf(task).playbookPid;
const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
/** This process as a web-only replica (false) or a runner replica (true). */
function runsTasksHere(on: boolean) {
  process.env.TASK_RUNNER_ENABLED = String(on);
  reloadConfig();
}

let sim: Simulator;
let lab: HaproxyLab;
let other: RunnerChild;
/** Each server's place in HAProxy, in SERVERS order: DRAIN, MAINT, or "in" the pool (UP, "no check" …). */
const pool = async () => {
  const states = await serverStates(lab.socket, BACKEND);
  return SERVERS.map((s) => states.get(haproxyName(s))).map((st) => (st === "DRAIN" || st === "MAINT" ? st : "in"));
};

beforeAll(async () => {
  sim = await startSimulator({
    scenario: { ...updateScenario, agents: [...updateScenario.agents, { name: "lb-host" }] },
    controlPort: 0,
  });
  process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
  for (const s of SERVERS) await sim.control.setApp(s.split("/")[0]!, "docker", s.split("/")[1]!, { port: appPort(s) });
  const ip = (agent: string) => sim.agents.find((a) => a.name === agent)!.ip;
  lab = await startHaproxyLab({
    backends: [
      {
        name: BACKEND,
        servers: SERVERS.map((s) => ({
          name: haproxyName(s),
          address: `${ip(s.split("/")[0]!)}:${appPort(s)}`,
          check: false,
        })),
      },
    ],
  });
  await sim.control.addHaproxy("lb-host", { name: "lb1", socket: lab.socket });
  resetBreaker();
  await loadFleet(sim);
  const lbHost = await db().server.update({ where: { name: "lb-host" }, data: { isHaproxyNode: true } });
  const { id: haproxyInstanceId } = await db().hAProxyInstance.create({ data: { name: "lb1", serverId: lbHost.id } });
  invalidateLive(haproxyInstanceId);
  expect(await syncInstance(haproxyInstanceId)).toMatchObject({ ok: true, mapping: { mapped: 4 } });
  setTaskDeps({ agent: testAgent, confirmPollMs: 200 }); // HAProxy: the real command path
  other = await spawnRunner({ TASKS_MAX_PARALLEL: "1", AC_TEST_PLAYBOOK_SLEEP: "30" });
}, 180_000);

afterAll(async () => {
  stopTaskRunner();
  setTaskDeps(undefined);
  await other?.kill();
  await sim?.stop();
  await lab?.stop();
  delete process.env.TASK_RUNNER_ENABLED;
  delete process.env.AC_TEST_PLAYBOOK_SLEEP;
});

/** The HAProxy commands a task's runs were audited with (action haproxy.command), oldest first. */
async function commandsAudited(taskId: string) {
  const rows = await db().auditEntry.findMany({
    where: { taskId, action: "haproxy.command" },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => {
    const details = (r.details ?? {}) as { command?: string; startedBy?: string };
    return { command: details.command, startedBy: details.startedBy, target: r.targetLabel, outcome: r.outcome };
  });
}

describe("update tasks on two replicas", () => {
  it(
    "a web-only replica only enqueues; the runner replica claims the task; cancel now asked here stops it there",
    { timeout: 120_000 },
    async () => {
      runsTasksHere(false);
      const cart = [await instanceId("web-3", "cart_1")];
      const { id } = await startUpdateTask(request({ instanceIds: cart, targetVersion: "2.0" }), "olga");
      expect(runningHere()).toEqual([]);
      const running = await waitForTask(id, inPlaybook);
      const claimed = await db().task.findUniqueOrThrow({ where: { id } });
      expect(claimed).toMatchObject({ status: "running", runnerId: other.runnerId });
      expect(claimed.leaseExpiresAt!.getTime()).toBeGreaterThan(claimed.heartbeatAt!.getTime());

      const answer = await cancelTask({ id, mode: "now" }, "olga");
      expect(answer.note).toMatch(/runs on another AC replica: it stops within 1 s/);
      const done = await waitForTask(id, (t) => t.status !== "running");
      expect(done.status).toBe("cancelled");
      expect((await db().task.findUniqueOrThrow({ where: { id } })).error).toBe(
        "Cancelled during batch 1/1, step playbook",
      );
      const pid = progressOf(running).playbookPid!;
      await until("the playbook's process group ended", () => !groupAlive(pid));
      expect(await agentVersion(sim, "web-3", "service", "cart_1")).toBe("1.0");
    },
  );

  it(
    "two runners on one database leave each other's live tasks alone, a runner starting included",
    { timeout: 120_000 },
    async () => {
      runsTasksHere(false);
      const theirs = await startUpdateTask(
        request({ instanceIds: [await instanceId("web-3", "cart_2")], targetVersion: "2.1" }),
        "olga",
      );
      await waitForTask(theirs.id, inPlaybook);
      // This replica starts its runner (a replica starting or restarting) and takes a task of its own.
      runsTasksHere(true);
      startTaskRunner();
      process.env.AC_TEST_PLAYBOOK_SLEEP = "30";
      const ours = await startUpdateTask(
        request({ instanceIds: [await instanceId("web-1", "cart_1")], targetVersion: "2.1" }),
        "olga",
      );
      await waitForTask(ours.id, inPlaybook);
      const read = () =>
        db().task.findMany({ where: { id: { in: [theirs.id, ours.id] } }, orderBy: { runnerId: "asc" } });
      const start = new Date();
      // A whole lease goes by, both replicas reaping every second: both leases are renewed, nothing is reaped.
      await until("both leases renewed beyond a whole lease period", async () =>
        (await read()).every((t) => t.heartbeatAt!.getTime() > start.getTime() + 6_000),
      );
      const tasks = await read();
      expect(tasks.map((t) => [t.id, t.status, t.runnerId]).sort()).toEqual(
        [
          [theirs.id, "running", other.runnerId],
          [ours.id, "running", thisRunner.id],
        ].sort(),
      );
      expect(await reapExpiredTasks()).toBe(0);

      for (const { id } of [theirs, ours]) await cancelTask({ id, mode: "now" }, "olga");
      await taskFinished(ours.id);
      await waitForTask(theirs.id, (t) => t.status !== "running");
      for (const t of await read()) expect(t.status).toBe("cancelled");
      delete process.env.AC_TEST_PLAYBOOK_SLEEP;
    },
  );

  it(
    "a runner killed mid-batch: its task ends interrupted with its drained servers named; return to pool readies exactly those",
    { timeout: 180_000 },
    async () => {
      const shop = await db().applicationGroup.findUniqueOrThrow({ where: { name: "shop" } });
      await lab.command(`set server ${BACKEND}/web-2_shop_2 state maint`); // not the task's: must stay so
      runsTasksHere(false);
      const { id } = await startUpdateTask(request({ groupId: shop.id, targetVersion: "3.0" }), "olga");
      const running = await waitForTask(id, inPlaybook);
      expect(await db().task.findUniqueOrThrow({ where: { id } })).toMatchObject({ runnerId: other.runnerId });
      const firstBatch = ["web-1/shop_1", "web-1/shop_2"];
      expect(outOfPoolOf(progressOf(running)).map((s) => s.label)).toEqual(firstBatch.map(label));
      const pid = progressOf(running).playbookPid!;

      await other.kill(); // kill -9 mid-batch; its playbook, in its own process group, lives on
      expect(groupAlive(pid)).toBe(true);
      runsTasksHere(true); // this replica's dispatch reaps the lease once it has run out
      const interrupted = await waitForTask(id, (t) => t.status !== "running");
      expect(interrupted.status).toBe("interrupted");
      const task = await operator.tasks.get({ id });
      expect(task.error).toMatch(
        new RegExp(
          `^Interrupted: its runner ${other.runnerId} stopped renewing its lease .* during batch 1/2, step playbook\\. ` +
            `Still out of the HAProxy pool: ${firstBatch.map(label).join(", ")}\\.`,
        ),
      );
      expect(outOfPoolOf(task.progress!).map((s) => s.label)).toEqual(firstBatch.map(label));
      expect(task.progress!.failure).toMatchObject({ batch: 0, step: "playbook" });
      const log = (await operator.tasks.log({ id, offset: 0 })).text;
      // Same host: the reaper ends the playbook's group, unless it has died with its runner (its
      // output pipe closed); update-task-lifecycle.test.ts reaps before that can happen.
      expect(log).toMatch(
        new RegExp(
          `\\((the playbook left running \\(process group ${pid}\\) was terminated|its playbook \\(process group ${pid}\\) is no longer running)\\)`,
        ),
      );
      await until("the leftover playbook ended", () => !groupAlive(pid));
      expect(await pool()).toEqual(["DRAIN", "DRAIN", "in", "MAINT"]);

      const listed = await operator.tasks.list({ status: "interrupted" });
      expect(listed.items.find((t) => t.id === id)?.counts.outOfPool).toBe(2);

      // Meanwhile an operator puts one of them in maintenance: that server is theirs now, and
      // "return to the pool" must not ready it under them.
      const taken = await db().hAProxyServer.findFirstOrThrow({ where: { serverName: haproxyName(firstBatch[1]!) } });
      expect(await operator.haproxy.command({ haproxyServerId: taken.id, command: "maint" })).toMatchObject({
        ok: true,
      });

      const returned = await operator.tasks.returnToPool({ id });
      expect(returned).toEqual({
        readied: [label(firstBatch[0]!)],
        failed: [],
        skipped: [
          { label: label(firstBatch[1]!), reason: expect.stringMatching(/^commanded by \S+ since; left as it is$/) },
        ],
      });
      expect(await pool()).toEqual(["in", "MAINT", "in", "MAINT"]);
      expect(outOfPoolOf((await operator.tasks.get({ id })).progress!)).toEqual([]);
      // One audit row per server readied, on behalf of the operator (docs/audit.md).
      const readies = (await commandsAudited(id)).filter((a) => a.command === "ready");
      expect(readies.map((a) => [a.startedBy, a.target, a.outcome])).toEqual([
        ["olga", label(firstBatch[0]!), "success"],
      ]);
      await lab.command(`set server ${BACKEND}/${haproxyName(firstBatch[1]!)} state ready`);
      await expect(operator.tasks.returnToPool({ id })).rejects.toMatchObject({
        code: "CONFLICT",
        message: "This task left no HAProxy server out of the pool",
      });
      await lab.command(`set server ${BACKEND}/web-2_shop_2 state ready`);

      // An interrupted task is retried like a failed one: from its batch 1, so every instance.
      const again = await operator.tasks.retry({ id });
      expect(again.fromBatch).toBe(0);
      await taskFinished(again.id);
      const retried = await operator.tasks.get({ id: again.id });
      expect(retried).toMatchObject({ status: "succeeded", retryOfId: id, runnerId: thisRunner.id });
      expect(retried.progress!.plan.batches).toHaveLength(2);
      expect(await pool()).toEqual(["in", "in", "in", "in"]);
      for (const s of SERVERS)
        expect(await agentVersion(sim, s.split("/")[0]!, "docker", s.split("/")[1]!), s).toBe("3.0");
    },
  );

  it(
    "retry from the failed batch runs only the remaining batches and takes over the servers left drained",
    { timeout: 180_000 },
    async () => {
      runsTasksHere(true);
      const shop = await db().applicationGroup.findUniqueOrThrow({ where: { name: "shop" } });
      process.env.AC_TEST_FAIL_INSTANCES = "web-2/shop_2";
      const failed = await startUpdateTask(request({ groupId: shop.id, targetVersion: "4.0" }), "olga");
      await taskFinished(failed.id);
      delete process.env.AC_TEST_FAIL_INSTANCES;
      const before = await operator.tasks.get({ id: failed.id });
      expect(before.status).toBe("failed");
      const secondBatch = ["web-2/shop_1", "web-2/shop_2"];
      expect(outOfPoolOf(before.progress!).map((s) => s.label)).toEqual(secondBatch.map(label));

      const retry = await operator.tasks.retry({ id: failed.id });
      expect(retry.fromBatch).toBe(1);
      expect(outOfPoolOf((await operator.tasks.get({ id: failed.id })).progress!)).toEqual([]);
      await taskFinished(retry.id);
      const after = await operator.tasks.get({ id: retry.id });
      expect(after).toMatchObject({ status: "succeeded", retryOfId: failed.id });
      expect(after.progress!.plan.batches.map((b) => b.instances.map((i) => `${i.server.name}/${i.name}`))).toEqual([
        secondBatch,
      ]);
      expect(outOfPoolOf(after.progress!)).toEqual([]);
      const actions = await commandsAudited(retry.id);
      expect(actions.map((a) => [a.command, a.target])).toEqual([
        ...secondBatch.map((s) => ["drain", label(s)]),
        ...secondBatch.map((s) => ["ready", label(s)]),
      ]);
      expect(await pool()).toEqual(["in", "in", "in", "in"]);
      for (const s of SERVERS)
        expect(await agentVersion(sim, s.split("/")[0]!, "docker", s.split("/")[1]!), s).toBe("4.0");
      expect((await operator.tasks.get({ id: failed.id })).retry).toEqual({ id: retry.id, status: "succeeded" });
      await expect(operator.tasks.retry({ id: failed.id })).rejects.toMatchObject({ code: "CONFLICT" });
    },
  );
});
