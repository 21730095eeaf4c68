// A small fleet for the update-task tests: simulated agents on 127.0.66.x, polled into the
// database, groups pointed at the test playbook (ansible/simulator-update.yml), and a fake HAProxy
// that records what was drained when (the real-HAProxy test uses the real module instead).
import path from "node:path";
import { db } from "@/server/db";
import { pollServer, pollTargetSelect } from "@/server/inventory/poll-server";
import type { HaproxyPort } from "@/server/tasks/deps";
import type { ScenarioInput, Simulator } from "@/tools/fagent-sim";

export const TEST_PLAYBOOK = path.resolve(import.meta.dirname, "../../../ansible/simulator-update.yml");
export const testAgent = { timeoutMs: 2_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" };

const shop = (n: number) => ({
  container_name: `shop_${n}`,
  image: "reg/shop:1.0",
  tag: "1.0",
  version: "1.0",
  status: "running",
});
const cart = (n: number) => ({
  name: `cart_${n}`,
  version: "1.0",
  distr_path: "/opt/distr/cart-1.0.tar.gz",
  status: "active",
});

/** web-1, web-2: shop_1, shop_2 (docker) → group "shop" of 4; web-1..3: cart_1, cart_2 (service) → group "cart" of 6. */
export const updateScenario: ScenarioInput = {
  mode: "address",
  baseAddress: "127.0.66.2",
  port: 0,
  agents: [
    { name: "web-1", apps: { docker: [shop(1), shop(2)], service: [cart(1), cart(2)] } },
    { name: "web-2", apps: { docker: [shop(1), shop(2)], service: [cart(1), cart(2)] } },
    { name: "web-3", apps: { service: [cart(1), cart(2)] } },
  ],
};

export async function pollAll() {
  for (const server of await db().server.findMany({ select: pollTargetSelect, orderBy: { name: "asc" } })) {
    await pollServer(server, { agent: testAgent });
  }
}

/** Registers the simulator's agents, polls them, and gives both groups the test playbook. */
export async function loadFleet(sim: Simulator) {
  for (const a of sim.agents) await db().server.create({ data: { name: a.name, ip: a.ip, port: a.port } });
  await pollAll();
  await db().applicationGroup.updateMany({
    data: {
      updatePlaybookPath: TEST_PLAYBOOK,
      batchGroupingStrategy: "fixed_size",
      batchSize: 2,
      artifactListUrl: "http://127.0.66.1:1/v2/shop/tags/list",
    },
  });
  const group = (name: string) =>
    db().applicationGroup.findUniqueOrThrow({ where: { name }, include: { instances: { include: { server: true } } } });
  return { shop: await group("shop"), cart: await group("cart") };
}

export const instanceId = async (server: string, name: string) =>
  (await db().applicationInstance.findFirstOrThrow({ where: { instanceName: name, server: { name: server } } })).id;

export async function agentVersion(sim: Simulator, server: string, kind: "docker" | "service", name: string) {
  const apps = await sim.control.getApps(server);
  const app = (apps[kind] as Record<string, unknown>[]).find((a) => (a.container_name ?? a.name) === name);
  return app?.version;
}

/** One HAProxy server per instance, all UP at first; remembers the most servers drained at once. */
export class FakeHaproxy implements HaproxyPort {
  readonly state = new Map<number, string>();
  readonly commands: { server: number; command: string; taskId: string | null | undefined }[] = [];
  /** Every set of servers that was drained at the same moment. */
  readonly drainedSets: number[][] = [];
  label = (haproxyServerId: number) => `be_app/${haproxyServerId}`;

  serversMappedToInstances: HaproxyPort["serversMappedToInstances"] = async (instanceIds) =>
    instanceIds.map((id) => ({
      haproxyServerId: 1000 + id,
      instanceId: id,
      label: this.label(1000 + id),
      status: this.state.get(1000 + id) ?? "UP",
    }));

  runServerCommand: HaproxyPort["runServerCommand"] = async ({ haproxyServerId, command, taskId }) => {
    this.commands.push({ server: haproxyServerId, command, taskId });
    const status = command === "drain" ? "DRAIN" : command === "maint" ? "MAINT" : "UP";
    this.state.set(haproxyServerId, status);
    const drained = [...this.state]
      .filter(([, s]) => s !== "UP")
      .map(([id]) => id)
      .sort();
    if (drained.length) this.drainedSets.push(drained);
    return { ok: true, status, error: null };
  };

  statusOf = (instanceId: number) => this.state.get(1000 + instanceId) ?? "UP";

  /** Current sessions per HAProxy server id (0 unless a test sets them). */
  readonly sessions = new Map<number, number>();
  currentSessions: HaproxyPort["currentSessions"] = async (ids) => ({
    counts: new Map(ids.map((id) => [id, this.sessions.get(id) ?? 0])),
    errors: [],
  });
}

/** Polls the task row until `check` holds (bounded), for tests that act in the middle of a run. */
export async function waitForTask(
  id: string,
  check: (task: { status: string; progress: unknown }) => boolean,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await db().task.findUniqueOrThrow({ where: { id }, select: { status: true, progress: true } });
    if (check(task)) return task;
    if (Date.now() > deadline)
      throw new Error(`task ${id} did not reach the expected state: ${JSON.stringify(task).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
