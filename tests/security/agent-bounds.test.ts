// A hostile agent (tests/security/hostile-agent.ts on 127.0.68.x) against the bounds of the
// agent contracts (docs/agent-contract.md, "Bounds"): it can fail its own server, with a reason
// stored there, and nothing else; names cannot steer an HAProxy command to another URL.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ByteBudget } from "@/server/agent/byte-budget";
import { AgentError, requestAgent, type AgentClientOptions } from "@/server/agent/client";
import { MAX_APPS_PER_REPLY, MAX_HAPROXY_BACKENDS, MAX_HAPROXY_SERVERS_PER_BACKEND } from "@/server/agent/limits";
import { db } from "@/server/db";
import { resetBreaker } from "@/server/haproxy/breaker";
import { runServerCommand } from "@/server/haproxy/commands";
import { invalidateLive, readServers } from "@/server/haproxy/live";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import { syncInstance } from "@/server/haproxy/sync";
import { pollServer, pollTargetSelect } from "@/server/inventory/poll-server";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { startHostileAgent, type HostileAgent } from "./hostile-agent";

const agentOptions: AgentClientOptions = {
  timeoutMs: 2_000,
  maxResponseBytes: 1024 * 1024,
  tokenHeader: "X-Agent-Token",
};
let agent: HostileAgent;
let serverId: number;

const APPS = "/api/v1/apps";
const app = (name: string) => ({ container_name: name, image: "reg/app", version: "1.0", status: "running" });
const appsReply = (docker: unknown[]) => ({ server: { "docker-app": { applications: docker } } });
const poll = async () =>
  pollServer(await db().server.findUniqueOrThrow({ where: { id: serverId }, select: pollTargetSelect }), {
    agent: agentOptions,
  });
const stored = async () =>
  (await db().applicationInstance.findMany({ where: { serverId }, orderBy: { instanceName: "asc" } })).map(
    (i) => i.instanceName,
  );

beforeAll(async () => {
  agent = await startHostileAgent("127.0.68.1");
});
afterAll(async () => {
  setHaproxyOptions(undefined);
  await agent.stop();
});
beforeEach(async () => {
  await resetDatabase();
  agent.requests.length = 0;
  serverId = (await db().server.create({ data: { name: "hostile", ip: agent.ip, port: agent.port } })).id;
});

describe("apps replies", () => {
  it("skips an entry whose name is too long for the index, alone and with a short reason; later polls still work", async () => {
    // Random text does not compress: as an index row it would exceed PostgreSQL's ~2.7 kB limit.
    const huge = randomBytes(6000).toString("base64");
    agent.reply(APPS, appsReply([app(huge), app("web_1")]));
    const first = await poll();
    expect(first).toMatchObject({ status: "online", result: "updated" });
    expect(first.error).toMatch(
      /1 app entry skipped: docker-app\[0\] ".*"… \(8000 characters\): container_name: longer than 255 characters \(8000\)/,
    );
    expect(first.error!.length).toBeLessThan(400);
    expect(await stored()).toEqual(["web_1"]);

    agent.reply(APPS, appsReply([app(huge), app("web_1"), app("web_2")]));
    expect(await poll()).toMatchObject({ result: "updated" });
    expect(await stored()).toEqual(["web_1", "web_2"]);
  });

  it("skips an entry with an over-long text field, keeping the others", async () => {
    agent.reply(APPS, appsReply([{ ...app("web_1"), image: "i".repeat(5000) }, app("web_2")]));
    expect((await poll()).error).toMatch(/docker-app\[0\] "web_1": image: longer than 4096 characters \(5000\)/);
    expect(await stored()).toEqual(["web_2"]);
  });

  it("skips an entry whose pid does not fit the integer column", async () => {
    agent.reply(APPS, appsReply([{ ...app("web_1"), pid: 2 ** 31 }, app("web_2")]));
    expect((await poll()).error).toMatch(/docker-app\[0\] "web_1": pid: must be <= 2147483647, got 2147483648/);
    expect(await stored()).toEqual(["web_2"]);
  });

  it("refuses a reply with too many entries whole, with the reason on that server, its stored apps untouched", async () => {
    agent.reply(APPS, appsReply([app("web_1"), app("web_2")]));
    await poll();
    agent.reply(APPS, appsReply(Array.from({ length: MAX_APPS_PER_REPLY + 1 }, (_, i) => app(`flood_${i}`))));
    const flooded = await poll();
    expect(flooded).toMatchObject({
      result: "apps_failed",
      error: expect.stringMatching(
        `reply lists ${MAX_APPS_PER_REPLY + 1} apps; AC reads at most ${MAX_APPS_PER_REPLY} per server`,
      ),
    });
    expect(await stored()).toEqual(["web_1", "web_2"]);
    const server = await db().server.findUniqueOrThrow({ where: { id: serverId } });
    expect(server).toMatchObject({ status: "online", lastError: expect.stringMatching(/reads at most 5000/) });
    expect(await db().applicationGroup.count({ where: { name: { startsWith: "flood" } } })).toBe(0);
  });
});

describe("bytes in flight", () => {
  const big = Buffer.alloc(300 * 1024, "x");
  const chunked = (res: import("node:http").ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json" }); // no Content-Length: chunked
    res.write(big.subarray(0, 1024));
    setImmediate(() => res.end(big.subarray(1024)));
  };
  const target = () => ({ ip: agent.ip, port: agent.port });

  it("holds replies past their free share to the shared budget, one at a time when it is small", async () => {
    const budget = new ByteBudget(512 * 1024, 64 * 1024);
    const options = { ...agentOptions, maxResponseBytes: 512 * 1024, budget };
    for (let i = 0; i < 6; i++) agent.reply(`/big/${i}`, chunked);
    agent.reply("/sized", { body: big });
    const bodies = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => requestAgent(target(), `/big/${i}`, options)),
      requestAgent(target(), "/sized", options),
    ]);
    expect(bodies.map((b) => b.length)).toEqual(Array(7).fill(big.length));
    expect(budget.peak).toBeLessThanOrEqual(budget.capacity);
    expect(budget.peak).toBeGreaterThan(0);
    expect(budget.inUse).toBe(0);
  });

  it("lets small replies through while the budget is taken, and fails a large one at its deadline with the reason", async () => {
    const budget = new ByteBudget(512 * 1024, 64 * 1024);
    const options = { ...agentOptions, timeoutMs: 2_000, maxResponseBytes: 512 * 1024, budget };
    const hold = await budget.reserve(budget.capacity, new AbortController().signal); // a hostile agent's reply in flight
    try {
      agent.reply("/small", { body: JSON.stringify({ ok: true }) });
      agent.reply("/big", chunked);
      expect((await requestAgent(target(), "/small", options)).toString()).toBe('{"ok":true}');
      const error = await requestAgent(target(), "/big", options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AgentError);
      expect(error).toMatchObject({
        kind: "timeout",
        message: expect.stringMatching(/waited past the deadline .* AGENT_MAX_BYTES_IN_FLIGHT/),
      });
    } finally {
      hold();
    }
    expect(budget.inUse).toBe(0);
  });
});

describe("HAProxy replies and URLs", () => {
  let instanceId: number;
  const base = "/api/haproxy/lb1";
  const instanceTarget = () => ({
    id: instanceId,
    name: "lb1",
    liveVersion: 0,
    server: { name: "hostile", ip: agent.ip, port: agent.port, agentToken: null },
  });
  const server = (name: string) => ({ name, address: "10.0.0.1:80", status: "UP", weight: 1 });

  beforeEach(async () => {
    await resetBreaker();
    setHaproxyOptions({ agent: agentOptions, retries: 0, sleep: async () => undefined });
    instanceId = (await db().hAProxyInstance.create({ data: { name: "lb1", serverId } })).id;
    await invalidateLive(instanceId);
  });

  it.each([
    [
      "a backend named ..",
      { success: true, backends: ["web", ".."] },
      /"\.\." cannot be a name: it is a URL dot segment/,
    ],
    ["a backend named .", { success: true, backends: ["."] }, /"\." cannot be a name/],
    ["an over-long backend name", { success: true, backends: ["b".repeat(300)] }, /longer than 255 characters/],
    [
      "too many backends",
      { success: true, backends: Array.from({ length: MAX_HAPROXY_BACKENDS + 1 }, (_, i) => `b${i}`) },
      /more than 5000 backends \(5001\)/,
    ],
  ])(
    "refuses %s: the sync fails with the reason on that instance, nothing stored, no other request sent",
    async (_what, reply, reason) => {
      agent.reply(`${base}/backends`, reply);
      const outcome = await syncInstance(instanceId);
      expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(reason) });
      expect(await db().hAProxyInstance.findUniqueOrThrow({ where: { id: instanceId } })).toMatchObject({
        lastSyncSuccess: false,
        lastSyncError: expect.stringMatching(reason),
      });
      expect(await db().hAProxyBackend.count()).toBe(0);
      expect(agent.requests).toEqual([`GET ${base}/backends`]);
    },
  );

  it.each([
    ["a server named ..", [server("web1"), server("..")], /"\.\." cannot be a name/],
    ["a weight too large for the integer column", [{ ...server("web1"), weight: 2 ** 31 }], /servers\.0\.weight/],
    [
      "too many servers",
      Array.from({ length: MAX_HAPROXY_SERVERS_PER_BACKEND + 1 }, (_, i) => server(`s${i}`)),
      /more than 5000 servers in one backend/,
    ],
  ])("refuses a servers reply with %s", async (_what, servers, reason) => {
    agent.reply(`${base}/backends`, { success: true, backends: ["web"] });
    agent.reply(`${base}/backends/web/servers`, { success: true, servers });
    expect(await syncInstance(instanceId)).toMatchObject({ ok: false, error: expect.stringMatching(reason) });
    expect(await db().hAProxyServer.count()).toBe(0);
  });

  it("keeps /, ? and %2e inside one path segment", async () => {
    agent.reply(`${base}/backends`, { success: true, backends: ["a/../b", "%2e%2e", "q?x#y"] });
    for (const encoded of ["a%2F..%2Fb", "%252e%252e", "q%3Fx%23y"])
      agent.reply(`${base}/backends/${encoded}/servers`, { success: true, servers: [server("s1")] });
    expect(await syncInstance(instanceId)).toMatchObject({ ok: true });
    expect(agent.requests.slice(1).sort()).toEqual([
      `GET ${base}/backends/%252e%252e/servers`,
      `GET ${base}/backends/a%2F..%2Fb/servers`,
      `GET ${base}/backends/q%3Fx%23y/servers`,
    ]);
  });

  it.each([
    ["server", "web", ".."],
    ["backend", "..", "web1"],
  ])(
    "sends no command when a stored %s name is a dot segment (stored before the bound existed)",
    async (_what, backendName, serverName) => {
      const backend = await db().hAProxyBackend.create({ data: { haproxyInstanceId: instanceId, backendName } });
      const target = await db().hAProxyServer.create({ data: { backendId: backend.id, serverName, status: "UP" } });
      const result = await runServerCommand({ haproxyServerId: target.id, command: "drain", actor: "test" });
      expect(result).toMatchObject({
        ok: false,
        error: expect.stringMatching(/"\.\." cannot be sent as a name in a URL/),
      });
      expect(agent.requests).toEqual([]);
    },
  );

  it("evicts the least recently used live read once the cache is full", async () => {
    setHaproxyOptions({ agent: agentOptions, retries: 0, cacheMaxEntries: 3 });
    for (const b of ["b1", "b2", "b3", "b4"])
      agent.reply(`${base}/backends/${b}/servers`, { success: true, servers: [server("s1")] });
    for (const b of ["b1", "b2", "b3", "b4"]) await readServers(instanceTarget(), b);
    expect(agent.requests).toHaveLength(4);
    await readServers(instanceTarget(), "b4"); // still cached
    expect(agent.requests).toHaveLength(4);
    await readServers(instanceTarget(), "b1"); // evicted by b4: read from the agent again
    expect(agent.requests).toHaveLength(5);
    expect(agent.requests.at(-1)).toBe(`GET ${base}/backends/b1/servers`);
  });
});
