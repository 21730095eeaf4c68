// The rolling update against a real HAProxy: four instances of a group in batches of two, the
// test watching HAProxy's runtime API throughout. Real ansible-playbook, simulated agents.
//
// Everything between the task and HAProxy is AC's own path: a lab HAProxy (tools/haproxy-lab)
// fronted by a simulated agent (lb-host), registered in AC as an HAProxy instance, synced with
// server/haproxy/sync, its servers auto-mapped to the instances by address (host IP + the app's
// port), and the task's drain / ready going through the default taskDeps().haproxy
// (server/haproxy/commands) and the agent. The assertions read HAProxy itself.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { resetBreaker } from "@/server/haproxy/breaker";
import { invalidateLive } from "@/server/haproxy/live";
import { syncInstance } from "@/server/haproxy/sync";
import { setTaskDeps } from "@/server/tasks/deps";
import { updateRequestInput } from "@/server/tasks/plan";
import { taskFinished } from "@/server/tasks/queue";
import { startUpdateTask } from "@/server/tasks/start";
import { getTask } from "@/server/tasks/queries";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { serverStates, startHaproxyLab, type HaproxyLab } from "@/tools/haproxy-lab";
import { agentVersion, instanceId, loadFleet, pollAll, testAgent, updateScenario } from "./helpers/update-fleet";

const SERVERS = ["web-1/shop_1", "web-1/shop_2", "web-2/shop_1", "web-2/shop_2"];
const BACKEND = "be_shop";
const haproxyName = (s: string) => s.replace("/", "_");
/** The port each shop instance listens on (the agent reports it; HAProxy's address names it). */
const appPort = (s: string) => 8080 + Number(s.split("_").at(-1));
let sim: Simulator;
let lab: HaproxyLab;

const states = () => serverStates(lab.socket, BACKEND);
const outOfPool = (status: string | undefined) => status === "DRAIN" || status === "MAINT";

beforeAll(async () => {
  sim = await startSimulator({
    scenario: { ...updateScenario, agents: [...updateScenario.agents, { name: "lb-host" }] },
    controlPort: 0,
  });
  process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
  for (const s of SERVERS) await sim.control.setApp(s.split("/")[0]!, "docker", s.split("/")[1]!, { port: appPort(s) });
  const ip = (agent: string) => sim.agents.find((a) => a.name === agent)!.ip;
  // No health checks: nothing listens on these addresses, and only drain / ready move the state.
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
});
afterAll(async () => {
  setTaskDeps(undefined);
  await sim?.stop();
  await lab?.stop();
});
beforeEach(async () => {
  await resetDatabase();
  await resetBreaker();
  await loadFleet(sim);
  for (const s of SERVERS) await lab.command(`set server ${BACKEND}/${haproxyName(s)} state ready`);

  const lbHost = await db().server.update({ where: { name: "lb-host" }, data: { isHaproxyNode: true } });
  const { id: haproxyInstanceId } = await db().hAProxyInstance.create({ data: { name: "lb1", serverId: lbHost.id } });
  await invalidateLive(haproxyInstanceId);
  const synced = await syncInstance(haproxyInstanceId);
  expect(synced).toMatchObject({
    ok: true,
    error: null,
    counts: { backends: 1, servers: 4 },
    mapping: { mapped: 4, unmapped: 0 },
  });
  // Auto-mapping found each instance by its server's IP and its port.
  const rows = await db().hAProxyServer.findMany({
    select: { serverName: true, applicationInstanceId: true, mappingType: true },
    orderBy: { serverName: "asc" },
  });
  const expected = [];
  for (const s of SERVERS)
    expected.push({
      serverName: haproxyName(s),
      applicationInstanceId: await instanceId(s.split("/")[0]!, s.split("/")[1]!),
      mappingType: "auto",
    });
  expect(rows).toEqual(expected);

  // HAProxy itself is the default one (server/haproxy/commands); only the agent calls are made short.
  setTaskDeps({ agent: testAgent, confirmPollMs: 200 });
});

/** Samples HAProxy's runtime API until stopped: each sample is the set of servers out of the pool. */
function watch() {
  const samples: string[][] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push(
        [...(await states())]
          .filter(([, status]) => outOfPool(status))
          .map(([name]) => name)
          .sort(),
      );
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return { samples, stop: async () => ((running = false), await loop) };
}

const batchOf = (names: string[], batches: string[][]) =>
  batches.findIndex((batch) => names.every((n) => batch.includes(n)));
const target = (name: string) => `lb1/${BACKEND}/${name}`;

/** The task's HAProxy actions (audit rows of its job), in order; every command in the log must be the task's. */
async function actionsOf(taskId: string) {
  const rows = await db().auditEntry.findMany({ where: { taskId, action: "haproxy.command" }, orderBy: { id: "asc" } });
  expect(await db().auditEntry.count({ where: { action: "haproxy.command" } })).toBe(rows.length);
  for (const r of rows)
    expect(r).toMatchObject({
      actorKind: "job",
      actorName: "job:update-task",
      outcome: "success",
      error: null,
      targetType: "haproxy_server",
      details: expect.objectContaining({ startedBy: "olga", instanceId: expect.any(Number) }),
    });
  const actions = rows.map((r) => [(r.details as { command: string }).command, r.targetLabel]);
  // The same commands, in the same order, as the task says it issued in its log.
  const { log } = await db().task.findUniqueOrThrow({ where: { id: taskId }, select: { log: true } });
  const issued = [...log.matchAll(/\] (drain|ready) (\S+) → /g)].map((m) => [m[1], m[2]]);
  expect(actions).toEqual(issued);
  return actions;
}

describe("an update behind a real HAProxy", () => {
  it(
    "drains no more than one batch at any moment, readies all at the end; the agents report the version; history names the task",
    { timeout: 120_000 },
    async () => {
      const shop = await db().applicationGroup.findUniqueOrThrow({ where: { name: "shop" } });
      const watcher = watch();
      const { id } = await startUpdateTask(
        updateRequestInput.parse({ groupId: shop.id, targetVersion: "7.0", drainDelaySec: 1, waitAfterUpdateSec: 1 }),
        "olga",
      );
      await taskFinished(id);
      await watcher.stop();

      const task = await getTask(id);
      expect(task.status).toBe("succeeded");
      const batches = task.progress!.plan.batches.map((b) =>
        b.instances.map((i) => haproxyName(`${i.server.name}/${i.name}`)),
      );
      expect(batches).toEqual([
        ["web-1_shop_1", "web-1_shop_2"],
        ["web-2_shop_1", "web-2_shop_2"],
      ]);
      for (const drained of watcher.samples)
        expect(batchOf(drained, batches), `drained at once: ${drained.join(", ")}`).toBeGreaterThanOrEqual(0);
      // Both batches were seen out of the pool, whole, one after the other.
      const seen = watcher.samples.filter((s) => s.length).map((s) => batchOf(s, batches));
      expect(watcher.samples).toContainEqual(batches[0]);
      expect(watcher.samples).toContainEqual(batches[1]);
      expect(seen).toEqual([...seen].sort());
      const end = await states();
      expect([...end.values()].filter(outOfPool)).toEqual([]);
      // What AC stored after each command is what HAProxy says now.
      const stored = await db().hAProxyServer.findMany({ select: { serverName: true, status: true } });
      for (const row of stored) expect(row.status, row.serverName).toBe(end.get(row.serverName));

      // Each drain and ready the task issued is in the HAProxy action log, under the task's actor.
      const [first, second] = batches.map((batch) => batch.map(target));
      expect(await actionsOf(id)).toEqual([
        ...first!.map((t) => ["drain", t]),
        ...first!.map((t) => ["ready", t]),
        ...second!.map((t) => ["drain", t]),
        ...second!.map((t) => ["ready", t]),
      ]);
      // The task's other audit rows, as its job on olga's behalf: one confirm per batch, then its end.
      const jobRows = await db().auditEntry.findMany({
        where: { taskId: id, action: { in: ["tasks.confirm", "tasks.finish"] } },
        orderBy: { id: "asc" },
      });
      expect(
        jobRows.map((r) => [r.action, r.outcome, r.actorName, (r.details as { startedBy?: string }).startedBy]),
      ).toEqual([
        ["tasks.confirm", "success", "job:update-task", "olga"],
        ["tasks.confirm", "success", "job:update-task", "olga"],
        ["tasks.finish", "success", "job:update-task", "olga"],
      ]);
      expect(jobRows.at(-1)!.changes).toEqual({ status: { from: "running", to: "succeeded" } });

      for (const s of SERVERS)
        expect(await agentVersion(sim, s.split("/")[0]!, "docker", s.split("/")[1]!)).toBe("7.0");
      const history = await db().applicationVersionHistory.findMany({ where: { taskId: id } });
      expect(history).toHaveLength(4);
      for (const row of history)
        expect(row).toMatchObject({ changedBy: "user", changeSource: "update_task", newVersion: "7.0" });
      await pollAll();
      expect(await db().applicationVersionHistory.count()).toBe(4);
    },
  );

  it(
    "a failing second batch stays out of the pool; the first is updated and back in",
    { timeout: 120_000 },
    async () => {
      process.env.AC_TEST_FAIL_INSTANCES = "web-2/shop_2";
      try {
        const shop = await db().applicationGroup.findUniqueOrThrow({ where: { name: "shop" } });
        const { id } = await startUpdateTask(
          updateRequestInput.parse({ groupId: shop.id, targetVersion: "7.1", drainDelaySec: 0, waitAfterUpdateSec: 0 }),
          "olga",
        );
        await taskFinished(id);
        expect((await getTask(id)).error).toMatch(
          /^batch 2\/2, step playbook failed: .*simulated failure updating shop_2 on web-2/,
        );
        const now = await states();
        expect(["web-1_shop_1", "web-1_shop_2"].map((n) => now.get(n))).not.toContain("DRAIN");
        expect(["web-2_shop_1", "web-2_shop_2"].map((n) => now.get(n))).toEqual(["DRAIN", "DRAIN"]);
        expect(await agentVersion(sim, "web-1", "docker", "shop_1")).toBe("7.1");
        expect(await agentVersion(sim, "web-2", "docker", "shop_2")).toBe("7.0");

        // The first batch drained and readied, the second only drained: no ready was issued for it.
        expect(await actionsOf(id)).toEqual([
          ["drain", target("web-1_shop_1")],
          ["drain", target("web-1_shop_2")],
          ["ready", target("web-1_shop_1")],
          ["ready", target("web-1_shop_2")],
          ["drain", target("web-2_shop_1")],
          ["drain", target("web-2_shop_2")],
        ]);
      } finally {
        delete process.env.AC_TEST_FAIL_INSTANCES;
      }
    },
  );
});
