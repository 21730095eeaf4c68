// Two replicas evaluating rules produce one notification (issue 14; docs/alerts.md, "Evaluation",
// "Routing", "Delivery"): real replicas on one database behind HAProxy (harness.ts) poll the agent
// simulator, each evaluates the rules after the poll cycles it runs, and both run the delivery
// workers. A server whose agent stops answering stays offline over several cycles run by both
// replicas; a real webhook receiver on loopback, checking the HMAC signature, gets its firing
// once, and its resolve once, and the database holds one alert.
import { createHash, createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReplicaSet, until, type ReplicaSet } from "./harness";

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
      const expected = `sha256=${createHmac("sha256", HMAC_SECRET).update(body).digest("hex")}`;
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
const completedCycles = () =>
  set.query<{ id: string }>(`SELECT id FROM pgboss.job WHERE name = 'poll-agents' AND state = 'completed'`);

/** Waits for `count` cycles completed after the call, and until every replica has completed one of them. */
async function cyclesByEveryReplica(count: number) {
  const before = new Set((await completedCycles()).map((c) => c.id));
  const logFrom = set.replicas.map((replica) => replica.log().length);
  // Each replica logs the pg-boss job id of the cycle it runs, and runs the evaluation after it (server/jobs/hooks.ts).
  const heldBy = (id: string) =>
    set.replicas.find((r, i) => r.log().slice(logFrom[i]).includes(`poll cycle ${id} on `));
  return until(
    `${count} cycles, run by every replica`,
    async () => {
      const fresh = (await completedCycles()).filter((c) => !before.has(c.id));
      const holders = new Set(fresh.map((c) => heldBy(c.id)?.name));
      return fresh.length >= count && set.replicas.every((r) => holders.has(r.name)) ? fresh.length : null;
    },
    150_000,
  );
}

describe("two replicas evaluating the rules", () => {
  it("send a firing alert once and hold it once, however many cycles and replicas evaluate it", async () => {
    await set.sim.control.fault(set.sim.agents[0]!.name, { fault: "down" });
    await until("the firing message", async () => entries("firing").length > 0);
    await cyclesByEveryReplica(3);
    // The last evaluation's message, if any, has been queued by now: let the workers drain the channel.
    await until("every queued message delivered", async () =>
      (await deliveries()).every((d) => d.status === "delivered"),
    );

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
    await cyclesByEveryReplica(3);
    await until("every queued message delivered", async () =>
      (await deliveries()).every((d) => d.status === "delivered"),
    );

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
