// Update tasks on three real replicas behind HAProxy (harness.ts), all through the HTTP API of the
// front: r1 only enqueues (TASK_RUNNER_ENABLED=false), r2 and r3 run tasks. The application's own
// HAProxy is a real one (tools/haproxy-lab) behind the simulator's lb-host agent, and the playbook is
// the real ansible-playbook of ansible/simulator-update.yml (docs/update-tasks.md, "Runners, leases
// and replicas"). Short leases (6 s, a heartbeat every second) keep it quick; every playbook run
// sleeps 30 s so a restart or a kill lands in the middle of it.
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskProgress } from "@/server/tasks/plan-types";
import type { AgentSpec } from "@/tools/fagent-sim/scenario";
import { serverStates, startHaproxyLab, type HaproxyLab } from "@/tools/haproxy-lab";
import { startReplicaSet, until, type ReplicaSet } from "./harness";

const LEASE_SECONDS = 6;
const PLAYBOOK = path.resolve(import.meta.dirname, "../../ansible/simulator-update.yml");
const SERVERS = ["web-1/shop_1", "web-1/shop_2", "web-2/shop_1", "web-2/shop_2"];
const BACKEND = "be_shop";
const haproxyName = (s: string) => s.replace("/", "_");
const label = (s: string) => `lb1/${BACKEND}/${haproxyName(s)}`;
const shop = (n: number) => ({
  container_name: `shop_${n}`,
  image: "reg/shop:1.0",
  tag: "1.0",
  version: "1.0",
  status: "running",
  port: 8080 + n,
});
const webAgent = (name: string): AgentSpec => ({ name, apps: { docker: [shop(1), shop(2)] } });

type Task = {
  id: string;
  status: string;
  error: string | null;
  runnerId: string | null;
  heartbeatAt: string | null;
  progress: TaskProgress | null;
};

let set: ReplicaSet;
let lab: HaproxyLab;
let admin: string;
let operator: string;
let shopGroupId: number;
const playbookGroups: number[] = [];

/** A tRPC call through the HAProxy front with a bearer token (superjson's `{ json }` envelope). */
async function api<T>(token: string, procedure: string, input: unknown, method: "GET" | "POST" = "GET"): Promise<T> {
  const body = JSON.stringify({ json: input });
  const url = `${set.front}/api/trpc/${procedure}`;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const response =
    method === "GET"
      ? await fetch(`${url}?input=${encodeURIComponent(body)}`, { headers })
      : await fetch(url, { method, headers, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${procedure}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json;
}
const getTask = (id: string) => api<Task>(operator, "tasks.get", { id });

/** An API token straight into the replicas' database (only its sha256 is stored, as AC does). */
async function apiToken(role: "admin" | "operator") {
  const secret = `ac_${randomBytes(24).toString("base64url")}`;
  const hash = createHash("sha256").update(secret).digest("hex");
  await set.query(`INSERT INTO api_tokens (name, token_hash, prefix, role) VALUES ($1, $2, $3, $4::"Role")`, [
    `replica-test-${role}`,
    hash,
    secret.slice(0, 9),
    role,
  ]);
  return secret;
}

/** Each server's place in the application's HAProxy, in SERVERS order: DRAIN, MAINT, or "in" the pool. */
const pool = async () => {
  const states = await serverStates(lab.socket, BACKEND);
  return SERVERS.map((s) => states.get(haproxyName(s))).map((st) => (st === "DRAIN" || st === "MAINT" ? st : "in"));
};
const inPlaybook = (task: Task) => task.progress?.current?.step === "playbook" && !!task.progress.playbookPid;
const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** The replica whose process runs the task: a runner id is host:pid:random. */
const runnerOf = (task: Task) => set.replicas.find((r) => task.runnerId?.split(":")[1] === String(r.pid));
const startShopUpdate = (input: Record<string, unknown>) =>
  api<{ id: string }>(
    operator,
    "tasks.start",
    { groupId: shopGroupId, drainDelaySec: 0, waitAfterUpdateSec: 0, confirmTimeoutSec: 30, ...input },
    "POST",
  );

beforeAll(async () => {
  set = await startReplicaSet({
    replicas: 3,
    scenario: {
      mode: "address",
      baseAddress: "127.0.94.2",
      port: 0,
      agents: [webAgent("web-1"), webAgent("web-2"), { name: "lb-host" }],
    },
    env: {
      HAPROXY_ENABLED: "true",
      POLLING_INTERVAL: "10",
      TASK_LEASE_SECONDS: String(LEASE_SECONDS),
      TASK_HEARTBEAT_SECONDS: "1",
      PLAYBOOK_ENV: "AC_SIM_CONTROL_URL,AC_TEST_PLAYBOOK_SLEEP",
      AC_TEST_PLAYBOOK_SLEEP: "30",
    },
    envFor: (name): Record<string, string> => (name === "r1" ? { TASK_RUNNER_ENABLED: "false" } : {}),
  });
  const ip = (agent: string) => set.sim.agents.find((a) => a.name === agent)!.ip;
  lab = await startHaproxyLab({
    backends: [
      {
        name: BACKEND,
        servers: SERVERS.map((s) => ({
          name: haproxyName(s),
          address: `${ip(s.split("/")[0]!)}:${8080 + Number(s.at(-1))}`,
          check: false,
        })),
      },
    ],
  });
  await set.sim.control.addHaproxy("lb-host", { name: "lb1", socket: lab.socket });
  admin = await apiToken("admin");
  operator = await apiToken("operator");

  // The replicas' first poll cycle groups the four shop containers.
  shopGroupId = await until("the shop group with its four instances", async () => {
    const [row] = await set.query<{ id: number }>(
      `SELECT g.id FROM application_groups g WHERE g.name = 'shop'
         AND (SELECT count(*) FROM application_instances i WHERE i.group_id = g.id) = 4`,
    );
    return row?.id;
  });
  const [lbHost] = await set.query<{ id: number }>("SELECT id FROM servers WHERE name = 'lb-host'");
  const instance = await api<{ id: number }>(
    admin,
    "haproxy.createInstance",
    { name: "lb1", serverId: lbHost!.id },
    "POST",
  );
  await api(admin, "haproxy.syncNow", { instanceId: instance.id }, "POST");
  await until("the four HAProxy servers mapped to their instances", async () => {
    const [row] = await set.query<{ mapped: number }>(
      "SELECT count(*)::int AS mapped FROM haproxy_servers WHERE application_instance_id IS NOT NULL",
    );
    return row!.mapped === 4;
  });
  await api(
    admin,
    "groups.updateSettings",
    { id: shopGroupId, updatePlaybookPath: PLAYBOOK, batchGroupingStrategy: "fixed_size", batchSize: 2 },
    "POST",
  );
}, 360_000);

afterAll(async () => {
  // A playbook's process group may outlive the replica that started it (kill -9).
  for (const pid of playbookGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await set?.stop();
  await lab?.stop();
});

describe("update tasks on real replicas", () => {
  it("a replica restarting during another replica's task leaves that task alone: its heartbeat advances and it succeeds", async () => {
    const web2 = await set.query<{ id: number }>(
      `SELECT i.id FROM application_instances i JOIN servers s ON s.id = i.server_id
        WHERE s.name = 'web-2' AND i.group_id = $1 ORDER BY i.instance_name`,
      [shopGroupId],
    );
    const { id } = await startShopUpdate({ instanceIds: web2.map((i) => i.id), targetVersion: "2.0" });
    const running = await until("the task in its playbook", async () => {
      const task = await getTask(id);
      return inPlaybook(task) && task;
    });
    playbookGroups.push(running.progress!.playbookPid!);
    const runner = runnerOf(running);
    expect(runner?.name).toMatch(/^r[23]$/);
    const other = set.replicas.find((r) => r.name !== runner!.name && r.name !== "r1")!;

    // The other runner replica stops and starts again (its startup recovery included) mid-playbook.
    const restarted = await set.restart(other.name);
    await restarted.waitForLog(/\[ac\] task runner \S+ started/, { from: 0 });
    // Still its runner's; on a very slow machine the 30 s playbook may even have finished meanwhile.
    const after = await getTask(id);
    expect(after.runnerId).toBe(running.runnerId);
    expect(["running", "succeeded"]).toContain(after.status);
    await until("a heartbeat after the restart", async () => {
      const task = await getTask(id);
      return task.status !== "running" || Date.parse(task.heartbeatAt!) > Date.parse(after.heartbeatAt!);
    });

    const done = await until("the task to end", async () => {
      const task = await getTask(id);
      return task.status !== "running" && task.status !== "pending" && task;
    });
    expect(done).toMatchObject({ status: "succeeded", error: null, runnerId: running.runnerId });
    expect(done.progress?.outOfPool ?? []).toEqual([]);
    expect(await pool()).toEqual(["in", "in", "in", "in"]);
    const apps = (await set.sim.control.getApps("web-2")).docker as { version?: string }[];
    expect(apps.map((a) => a.version)).toEqual(["2.0", "2.0"]);
  });

  it("kill -9 of the replica running a rolling update mid-batch: interrupted with its drained servers named; return to pool readies exactly them", async () => {
    const firstBatch = SERVERS.slice(0, 2).map(label);
    const { id } = await startShopUpdate({ targetVersion: "3.0" });
    const running = await until("the task in its playbook", async () => {
      const task = await getTask(id);
      return inPlaybook(task) && task;
    });
    const pid = running.progress!.playbookPid!;
    playbookGroups.push(pid);
    expect(running.progress!.outOfPool?.map((s) => s.label)).toEqual(firstBatch);
    expect(await pool()).toEqual(["DRAIN", "DRAIN", "in", "in"]);
    const runner = runnerOf(running);
    expect(runner?.name).toMatch(/^r[23]$/);

    await runner!.kill("SIGKILL");
    // Until its health check fails, the front may still send a request to the dead replica (503).
    await until("the front to take the killed replica out", async () =>
      (await set.haproxyStat()).some((row) => row.svname === runner!.name && row.status === "DOWN"),
    );
    // The surviving runner reaps the lease once it has run out (a lease and a few heartbeats).
    const interrupted = await until(
      "the task to stop running",
      async () => {
        const task = await getTask(id);
        return task.status !== "running" && task;
      },
      (LEASE_SECONDS + 30) * 1000,
    );
    expect(interrupted.status).toBe("interrupted");
    expect(interrupted.error).toMatch(
      new RegExp(
        `^Interrupted: its runner ${running.runnerId} stopped renewing its lease .* during batch 1/2, step playbook\\. ` +
          `Still out of the HAProxy pool: ${firstBatch.join(", ")}\\.`,
      ),
    );
    expect(interrupted.progress!.outOfPool?.map((s) => s.label)).toEqual(firstBatch);
    expect(await pool()).toEqual(["DRAIN", "DRAIN", "in", "in"]);
    // Same host: the reaping replica ends the playbook's process group the dead one left behind.
    await until("the leftover playbook to end", async () => !groupAlive(pid));

    const returned = await api(operator, "tasks.returnToPool", { id }, "POST");
    expect(returned).toEqual({ readied: firstBatch, failed: [], skipped: [] });
    expect(await pool()).toEqual(["in", "in", "in", "in"]);
    expect((await getTask(id)).progress!.outOfPool ?? []).toEqual([]);
  });
});
