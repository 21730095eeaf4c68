// Two replicas evaluating rules produce one notification (issue 14; docs/alerts.md, "Evaluation",
// "Routing", "Delivery"): real replicas on one database behind HAProxy (harness.ts) poll the agent
// simulator, each evaluates the rules after the poll cycles it runs, and both run the delivery
// workers. A server whose agent stops answering stays offline over cycles run by each replica in
// turn (the other one paused meanwhile); a real webhook receiver on loopback, checking the HMAC
// signature, gets its firing once and its resolve once, and the database holds one alert.
import { createHash, createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReplicaSet, until, type Replica, type ReplicaSet } from "./harness";

const HMAC_SECRET = randomBytes(24).toString("base64url");
type Hit = { delivery: string | undefined; signed: boolean; body: string };
type Message = { deliveryId: number; alerts: { id: number; state: string; subject: string; repeat: boolean }[] };

const hits: Hit[] = [];
let receiver: http.Server;
let set: ReplicaSet;
let admin: string;
let ruleId: number;
let channelId: number;
let subject: string;

/** A tRPC mutation through the HAProxy front with a bearer token (superjson's `{ json }` envelope). */
async function mutate<T>(procedure: string, input: unknown): Promise<T> {
  const response = await fetch(`${set.front}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    body: JSON.stringify({ json: input }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${procedure}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { result: { data: { json: T } } }).result.data.json;
}

/** An admin API token straight into the replicas' database (only its sha256 is stored, as AC does). */
async function adminToken() {
  const secret = `ac_${randomBytes(24).toString("base64url")}`;
  const hash = createHash("sha256").update(secret).digest("hex");
  await set.query(`INSERT INTO api_tokens (name, token_hash, prefix, role) VALUES ($1, $2, $3, 'admin'::"Role")`, [
    "replica-alerts-test",
    hash,
    secret.slice(0, 9),
  ]);
  return secret;
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const timestamp = String(req.headers["x-ac-timestamp"]);
      const expected = `sha256=${createHmac("sha256", HMAC_SECRET).update(`${timestamp}.${body}`).digest("hex")}`;
      const delivery = req.headers["x-ac-delivery"];
      hits.push({
        delivery: typeof delivery === "string" ? delivery : undefined,
        signed: req.headers["x-ac-signature"] === expected,
        body,
      });
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  set = await startReplicaSet({
    replicas: 2,
    servers: 2,
    env: { POLLING_INTERVAL: "5", CONNECTION_TIMEOUT: "2", SCHEDULER_ENABLED: "true" },
  });
  admin = await adminToken();
  ({ id: ruleId } = await mutate<{ id: number }>("alerts.createRule", {
    name: "Replica test: server offline",
    kind: "server_offline",
    severity: "critical",
    forSeconds: 0,
  }));
  // Routed to this rule only: the default rules (docs/alerts.md, "Default rules") stay out of the count.
  ({ id: channelId } = await mutate<{ id: number }>("alerts.createChannel", {
    name: "replica test hook",
    type: "webhook",
    settings: { url: hook },
    secrets: { hmacSecret: HMAC_SECRET },
    routeRuleIds: [ruleId],
  }));
  const [server] = await set.query<{ id: number }>("SELECT id FROM servers WHERE name = $1", [set.sim.agents[0]!.name]);
  subject = `server:${server!.id}`;
}, 360_000);

afterAll(async () => {
  await set?.stop();
  if (receiver) await new Promise((resolve) => receiver.close(resolve));
});

const messages = () => hits.map((hit) => JSON.parse(hit.body) as Message);
/** Every entry for the test's alert across all received messages, with the message's delivery id. */
const entries = (state: string) =>
  messages().flatMap((m) =>
    m.alerts.filter((a) => a.subject === subject && a.state === state).map((a) => ({ ...a, deliveryId: m.deliveryId })),
  );
const alertRows = () =>
  set.query<{ id: number; state: string; open: boolean | null }>(
    "SELECT id, state::text, open FROM alerts WHERE rule_id = $1 ORDER BY id",
    [ruleId],
  );
const deliveries = () =>
  set.query<{ id: number; status: string }>(
    "SELECT id, status::text FROM notification_deliveries WHERE channel_id = $1 ORDER BY id",
    [channelId],
  );
const pollJobsBusy = async () =>
  (
    await set.query<{ busy: number }>(
      `SELECT count(*)::int AS busy FROM pgboss.job
       WHERE name IN ('poll-agents', 'poll-chunk') AND state IN ('created', 'retry', 'active')`,
    )
  )[0]!.busy;

/**
 * Waits until `replica` has run a whole poll cycle, and so evaluated the rules after it
 * (server/jobs/hooks.ts). Which replica takes a cycle is pg-boss's choice, so the others are
 * paused (SIGSTOP) from a moment between two cycles until then.
 */
async function cycleOn(replica: Replica) {
  const others = set.replicas.filter((other) => other !== replica);
  await until("a moment between two cycles", async () => (await pollJobsBusy()) === 0);
  const from = replica.log().length;
  for (const other of others) process.kill(other.pid, "SIGSTOP");
  try {
    // Each replica logs the pg-boss job id of the cycle it runs.
    const [, id] = await replica.waitForLog(/poll cycle (\S+) on r\d+:/, { from, timeoutMs: 60_000 });
    await until(`cycle ${id} on ${replica.name} completed`, async () => {
      const rows = await set.query(`SELECT 1 FROM pgboss.job WHERE id = $1 AND state = 'completed'`, [id]);
      return rows.length > 0;
    });
  } finally {
    for (const other of others) process.kill(other.pid, "SIGCONT");
  }
}

/** Every replica runs a cycle (and an evaluation), then the workers deliver whatever was queued. */
async function evaluatedByEveryReplica() {
  for (const replica of set.replicas) await cycleOn(replica);
  await until("every queued message delivered", async () =>
    (await deliveries()).every((delivery) => delivery.status === "delivered"),
  );
}

describe("two replicas evaluating the rules", () => {
  it("send a firing alert once and hold it once, however many cycles and replicas evaluate it", async () => {
    await set.sim.control.fault(set.sim.agents[0]!.name, { fault: "down" });
    await until("the firing message", async () => entries("firing").length > 0);
    await evaluatedByEveryReplica();

    expect(hits.every((hit) => hit.signed)).toBe(true);
    expect(hits.map((hit) => hit.delivery)).toEqual(messages().map((m) => String(m.deliveryId)));
    const firing = entries("firing");
    expect(firing).toHaveLength(1);
    expect(firing[0]).toMatchObject({ repeat: false });
    expect(hits).toHaveLength(1);
    expect(await deliveries()).toEqual([{ id: firing[0]!.deliveryId, status: "delivered" }]);
    expect(await alertRows()).toEqual([{ id: firing[0]!.id, state: "firing", open: true }]);
  });

  it("send its resolve once when the server answers again", async () => {
    const [alert] = await alertRows();
    await set.sim.control.fault(set.sim.agents[0]!.name, { fault: "up" });
    await until("the resolve message", async () => entries("resolved").length > 0);
    await evaluatedByEveryReplica();

    expect(hits.every((hit) => hit.signed)).toBe(true);
    const resolved = entries("resolved");
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.id).toBe(alert!.id);
    expect(entries("firing")).toHaveLength(1);
    expect(new Set(hits.map((hit) => hit.delivery)).size).toBe(2);
    expect(hits).toHaveLength(2);
    expect(await alertRows()).toEqual([{ id: alert!.id, state: "resolved", open: null }]);
  });
});
