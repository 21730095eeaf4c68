// Drain waits for sessions (docs/update-tasks.md, "Waiting for sessions"), against a real HAProxy:
// a real client holds a connection through HAProxy's frontend to the instance being updated; the
// task's drain step waits, showing the count, and goes on once the client closes, or fails the
// batch at its timeout when the client stays.
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { resetBreaker } from "@/server/haproxy/breaker";
import { syncInstance } from "@/server/haproxy/sync";
import { setTaskDeps } from "@/server/tasks/deps";
import { updateRequestInput } from "@/server/tasks/plan";
import type { TaskProgress } from "@/server/tasks/plan-types";
import { taskFinished } from "@/server/tasks/queue";
import { startUpdateTask } from "@/server/tasks/start";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { freePort } from "@/tools/db/embedded";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { serverStates, showStat, startHaproxyLab, type HaproxyLab } from "@/tools/haproxy-lab";
import { instanceId, loadFleet, testAgent, updateScenario, waitForTask } from "./helpers/update-fleet";

let sim: Simulator;
let lab: HaproxyLab;
let app: net.Server;
let frontendPort: number;
const held = new Set<net.Socket>();

/** The instance's "application": takes requests and never answers, so each one stays a session. */
async function holdingApp(host: string) {
  const server = net.createServer((socket) => {
    held.add(socket);
    socket.on("close", () => held.delete(socket));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  return server;
}

/** A client whose request HAProxy forwards to the instance and which then waits. */
async function holdConnection(): Promise<net.Socket> {
  const client = net.connect({ host: "127.0.0.1", port: frontendPort });
  client.on("error", () => undefined);
  await new Promise((resolve) => client.once("connect", resolve));
  client.write("GET /slow HTTP/1.1\r\nHost: shop\r\n\r\n");
  await expect.poll(() => sessionsInHaproxy(), { timeout: 10_000 }).toBe(1);
  return client;
}
/** The slow requests finish: the application answers and closes, as a long download ends. */
function finishRequests() {
  for (const socket of held) socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
}
const sessionsInHaproxy = async () =>
  Number((await showStat(lab.socket)).find((row) => row.svname === "web-1_shop_1")?.scur ?? -1);

beforeAll(async () => {
  sim = await startSimulator({
    scenario: { ...updateScenario, agents: [...updateScenario.agents, { name: "lb-host" }] },
    controlPort: 0,
  });
  process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
  const ip = sim.agents.find((a) => a.name === "web-1")!.ip;
  app = await holdingApp(ip);
  const port = (app.address() as net.AddressInfo).port;
  await sim.control.setApp("web-1", "docker", "shop_1", { port });
  frontendPort = await freePort();
  lab = await startHaproxyLab({
    backends: [{ name: "be_shop", servers: [{ name: "web-1_shop_1", address: `${ip}:${port}`, check: false }] }],
    frontend: { bind: `127.0.0.1:${frontendPort}`, backend: "be_shop" },
    timeoutMs: 60_000,
  });
  await sim.control.addHaproxy("lb-host", { name: "lb1", socket: lab.socket });
});
afterAll(async () => {
  setTaskDeps(undefined);
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => app?.close(resolve));
  await sim?.stop();
  await lab?.stop();
});
beforeEach(async () => {
  await resetDatabase();
  resetBreaker();
  await loadFleet(sim);
  await lab.command("set server be_shop/web-1_shop_1 state ready");
  finishRequests();
  await expect.poll(() => sessionsInHaproxy(), { timeout: 10_000 }).toBe(0);
  const lbHost = await db().server.update({ where: { name: "lb-host" }, data: { isHaproxyNode: true } });
  const { id } = await db().hAProxyInstance.create({ data: { name: "lb1", serverId: lbHost.id } });
  expect(await syncInstance(id)).toMatchObject({ ok: true, mapping: { mapped: 1 } });
  setTaskDeps({ agent: testAgent, confirmPollMs: 200, sessionPollMs: 200 });
});

const start = async (drain: { drainTimeoutSec: number; onDrainTimeout?: "fail" | "continue" }) =>
  startUpdateTask(
    updateRequestInput.parse({
      instanceIds: [await instanceId("web-1", "shop_1")],
      targetVersion: "7.0",
      drainDelaySec: 0,
      waitAfterUpdateSec: 0,
      ...drain,
    }),
    "olga",
  );
const drainStep = (progress: unknown) =>
  (progress as TaskProgress).batches[0]!.steps.find((s) => s.name === "drain_delay")!;
const playbookStep = (progress: unknown) =>
  (progress as TaskProgress).batches[0]!.steps.find((s) => s.name === "playbook")!;

describe("the drain step waits for the server's sessions", () => {
  it("shows the open session, and goes on only once the request has finished", { timeout: 120_000 }, async () => {
    const client = await holdConnection();
    const { id } = await start({ drainTimeoutSec: 60 });
    // Drained in HAProxy, and the step says who still has a session.
    await waitForTask(id, (t) => drainStep(t.progress).note?.endsWith("web-1_shop_1 1") ?? false, 30_000);
    expect((await serverStates(lab.socket, "be_shop")).get("web-1_shop_1")).toBe("DRAIN");
    expect(playbookStep((await db().task.findUniqueOrThrow({ where: { id } })).progress).status).toBe("pending");

    const closedAt = Date.now();
    finishRequests();
    await taskFinished(id);
    const task = await db().task.findUniqueOrThrow({ where: { id } });
    expect(task.status).toBe("succeeded");
    expect(drainStep(task.progress).note).toMatch(/then sessions 1 → 0 after \d+ s$/);
    expect(Date.parse(playbookStep(task.progress).startedAt!)).toBeGreaterThanOrEqual(closedAt);
    expect(task.log).toMatch(/sessions: .*web-1_shop_1 1/);
    expect((await serverStates(lab.socket, "be_shop")).get("web-1_shop_1")).not.toBe("DRAIN");
    client.destroy();
  });

  it(
    "fails the batch at the timeout while the client stays, leaving the server drained",
    { timeout: 60_000 },
    async () => {
      const client = await holdConnection();
      const { id } = await start({ drainTimeoutSec: 2, onDrainTimeout: "fail" });
      await taskFinished(id);
      const task = await db().task.findUniqueOrThrow({ where: { id } });
      client.destroy();
      expect(task.status).toBe("failed");
      expect(task.error).toMatch(/sessions still open after 2 s \(.*web-1_shop_1 1; threshold 0\)/);
      expect(playbookStep(task.progress).status).not.toBe("succeeded");
      expect((await serverStates(lab.socket, "be_shop")).get("web-1_shop_1")).toBe("DRAIN");
    },
  );

  it("updates anyway at the timeout when the task says continue", { timeout: 60_000 }, async () => {
    const client = await holdConnection();
    const { id } = await start({ drainTimeoutSec: 1, onDrainTimeout: "continue" });
    await taskFinished(id);
    client.destroy();
    const task = await db().task.findUniqueOrThrow({ where: { id } });
    expect(task.status).toBe("succeeded");
    expect(drainStep(task.progress).note).toMatch(/sessions still open after 1 s .*continued as the task asks/);
  });
});
