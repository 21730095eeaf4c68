// Live pages on two real replicas (harness.ts; docs/architecture.md, "Change feed"): the change
// feed is PostgreSQL's NOTIFY, so what one replica writes reaches a subscription another serves.
// r1 neither polls nor runs tasks (SCHEDULER_ENABLED=false, TASK_RUNNER_ENABLED=false): whatever
// it streams was written by r2. Clients are real tRPC clients with httpSubscriptionLink
// (tools/trpc-links.ts), straight to a replica's port so the test chooses which one serves.
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { createTRPCClient } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "@/server/trpc/root";
import { acLinks } from "@/tools/trpc-links";
import { collect, readTaskLog, type TaskLog, type TaskStream } from "../setup/live-streams";
import { startReplicaSet, until, type ReplicaSet } from "./harness";

const PLAYBOOK = path.resolve(import.meta.dirname, "../../ansible/test-chatty.yml");
const LINES = 60;
const shop = {
  container_name: "shop_1",
  image: "reg/shop:1.0",
  tag: "1.0",
  version: "1.0",
  status: "running",
  port: 8081,
};

let set: ReplicaSet;
let operator: string;

/** An API token straight into the replicas' database (only its sha256 is stored, as AC does). */
async function apiToken(role: "viewer" | "operator" | "admin") {
  const secret = `ac_${randomBytes(24).toString("base64url")}`;
  const hash = createHash("sha256").update(secret).digest("hex");
  await set.query(`INSERT INTO api_tokens (name, token_hash, prefix, role) VALUES ($1, $2, $3, $4::"Role")`, [
    `live-test-${role}`,
    hash,
    secret.slice(0, 9),
    role,
  ]);
  return secret;
}

const client = (replica: number, token = operator) =>
  createTRPCClient<AppRouter>({ links: acLinks(set.replicas[replica]!.url, token) });

beforeAll(async () => {
  set = await startReplicaSet({
    replicas: 2,
    scenario: {
      mode: "address",
      baseAddress: "127.0.95.2",
      port: 0,
      agents: [
        { name: "web-1", apps: { docker: [shop] } },
        { name: "web-2", apps: { docker: [shop] } },
      ],
    },
    env: {
      POLLING_INTERVAL: "5",
      PLAYBOOK_ENV: "AC_SIM_CONTROL_URL,AC_TEST_LOG_LINES",
      AC_TEST_LOG_LINES: String(LINES),
    },
    envFor: (name): Record<string, string> =>
      name === "r1" ? { SCHEDULER_ENABLED: "false", TASK_RUNNER_ENABLED: "false" } : {},
  });
  operator = await apiToken("operator");
  await until("the shop group with both instances", async () => {
    const [row] = await set.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM application_instances i JOIN application_groups g ON g.id = i.group_id WHERE g.name = 'shop'",
    );
    return row!.n === 2;
  });
}, 360_000);

afterAll(async () => {
  await set?.stop();
});

describe("live pages across replicas", () => {
  it("a change polled and written by r2 reaches a live.changes subscription served by r1, and one through the HAProxy front", async () => {
    const viewer = await apiToken("viewer");
    const front = createTRPCClient<AppRouter>({ links: acLinks(set.front, viewer) });
    // Per stream (r1 directly; the front: HAProxy, 60 s timeouts), the alerts notices the test sends
    // to know it listens, and the inventory notices, which only r2's polls send here.
    const probes = [0, 0];
    const seen = [0, 0];
    const subs = [client(0, viewer), front].map((c, i) =>
      c.live.changes.subscribe(
        { kinds: ["inventory", "alerts"] },
        {
          onData(change) {
            if (change.kinds.includes("alerts")) probes[i]!++;
            if (change.kinds.includes("inventory")) seen[i]!++;
          },
        },
      ),
    );
    // Both listening: a notice sent now reaches both (repeated until it does: a LISTEN connects asynchronously).
    await until("both streams to deliver a notice", async () => {
      await set.query("SELECT pg_notify('ac_live_alerts', '')");
      return probes.every((n) => n > 0);
    });
    seen.fill(0);

    await set.sim.control.setApp("web-1", "docker", "shop_1", { status: "exited" });
    await until("r2's poll to store the stopped instance", async () => {
      const [row] = await set.query<{ status: string }>(
        "SELECT i.status FROM application_instances i JOIN servers s ON s.id = i.server_id WHERE s.name = 'web-1'",
      );
      return row?.status === "offline";
    });
    await until("r2's notice on both streams", async () => seen.every((n) => n > 0));
    for (const sub of subs) sub.unsubscribe();
    await set.sim.control.setApp("web-1", "docker", "shop_1", { status: "running" });
  });

  it("a task page gets every log line of a running task, in order, across a reconnect to the other replica", async () => {
    const [group] = await set.query<{ id: number }>("SELECT id FROM application_groups WHERE name = 'shop'");
    const admin = await apiToken("admin");
    await client(1, admin).groups.updateSettings.mutate({ id: group!.id, updatePlaybookPath: PLAYBOOK });
    const instances = await set.query<{ id: number }>(
      "SELECT i.id FROM application_instances i JOIN servers s ON s.id = i.server_id WHERE s.name = 'web-2'",
    );
    const { id } = await client(0).tasks.start.mutate({
      instanceIds: instances.map((i) => i.id),
      targetVersion: "2.0",
      orchestrateHaproxy: false,
      drainDelaySec: 0,
      waitAfterUpdateSec: 0,
      confirmTimeoutSec: 60,
    });

    const log: TaskLog = { text: "", lastId: null };
    // r1 serves the page while r2 runs the task; the connection drops mid-playbook…
    const first: TaskStream = collect((h) => client(0).tasks.follow.subscribe({ id }, h));
    await readTaskLog(first, log, /\(item=10\)/);
    first.stop();
    expect(log.text).not.toContain(`(item=${LINES})`); // the playbook is still writing
    // …and the page reconnects to r2 with the last event id it had.
    const resumed: TaskStream = collect((h) => client(1).tasks.follow.subscribe({ id, lastEventId: log.lastId }, h));
    await readTaskLog(resumed, log, null); // ends once the finished task's log is sent

    const [task] = await set.query<{ status: string; log: string }>("SELECT status, log FROM tasks WHERE id = $1", [
      id,
    ]);
    expect(task!.status).toBe("succeeded");
    expect(log.text).toBe(task!.log);
    const items = [...log.text.matchAll(/\(item=(\d+)\)/g)].map((m) => Number(m[1]));
    expect(items).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
  });
});
