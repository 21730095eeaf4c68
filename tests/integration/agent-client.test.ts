// The FAgent client against real agents: the simulator in this process, on 127.0.77.x, each
// agent on its own address and an ephemeral port. Every fault a poller meets, one by one.
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AgentError,
  agentUrl,
  fetchApps,
  pingAgent,
  type AgentClientOptions,
  type AgentTarget,
} from "@/server/agent/client";
import { parseAppsReply } from "@/server/agent/contract";
import { generateFleet, simulatorClient, startSimulator } from "@/tools/fagent-sim";

// Generous: the simulated agents answer in milliseconds, but on a loaded machine this process can
// get no CPU for longer than a tight timeout. The timeout test sets its own.
const options: AgentClientOptions = { timeoutMs: 10_000, maxResponseBytes: 64 * 1024, tokenHeader: "X-Agent-Token" };
let sim: Awaited<ReturnType<typeof startSimulator>>;
const names = ["srv-0001", "srv-0002", "srv-0003"];

beforeAll(async () => {
  const scenario = generateFleet({ servers: 3, appsPerServer: 8, seed: 7, baseAddress: "127.0.77.2", port: 0 });
  scenario.agents[2]!.token = "s3cret";
  sim = await startSimulator({ scenario, controlPort: 0 });
});
afterAll(() => sim.stop());
afterEach(async () => {
  for (const name of names) await sim.control.fault(name, { fault: "clear" });
});

const target = (name: string, agentToken?: string): AgentTarget => {
  const agent = sim.agents.find((a) => a.name === name)!;
  return { ip: agent.ip, port: agent.port, agentToken };
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected an AgentError"),
    (e: unknown) => e as AgentError,
  );

describe("pingAgent", () => {
  it("resolves for a live agent", async () => {
    await expect(pingAgent(target("srv-0001"), options)).resolves.toBeUndefined();
  });

  it("fails as unreachable while the agent is down, and works again once it is up", async () => {
    await pingAgent(target("srv-0001"), options); // leaves a keep-alive socket that `down` must break
    await sim.control.fault("srv-0001", { fault: "down" });
    const error = await failure(pingAgent(target("srv-0001"), options));
    expect(error).toBeInstanceOf(AgentError);
    expect(error.kind).toBe("unreachable");
    expect(error.message).toMatch(/^agent 127\.0\.77\.2:\d+ refused the connection/);
    await sim.control.fault("srv-0001", { fault: "up" });
    await expect(pingAgent(target("srv-0001"), options)).resolves.toBeUndefined();
  });
});

describe("fetchApps", () => {
  it("returns every app the agent serves, parsed", async () => {
    const served = await sim.control.getApps("srv-0001");
    const reply = await fetchApps(target("srv-0001"), options);
    expect(reply.rejected).toEqual([]);
    expect(reply.apps).toHaveLength(8);
    const wire = {
      server: {
        "docker-app": { applications: served.docker },
        "site-app": { applications: served.site },
        "service-app": { applications: served.service },
      },
    };
    expect(reply.apps).toEqual(parseAppsReply(wire).apps);
  });

  it("sees a changed version on the next request (no stale cached reply)", async () => {
    const [app] = (await sim.control.getApps("srv-0002")).docker;
    await sim.control.setApp("srv-0002", "docker", app!.container_name, { version: "9.9.9", tag: "9.9.9" });
    const reply = await fetchApps(target("srv-0002"), options);
    expect(reply.apps.find((a) => a.instanceName === app!.container_name)).toMatchObject({
      version: "9.9.9",
      tag: "9.9.9",
    });
  });

  it("gives up on a slow agent after the timeout", async () => {
    await sim.control.fault("srv-0001", { fault: "slow", ms: 2_000 });
    const error = await failure(fetchApps(target("srv-0001"), { ...options, timeoutMs: 300 }));
    expect(error.kind).toBe("timeout");
    expect(error.message).toMatch(/^agent 127\.0\.77\.2:\d+ did not answer within 300 ms$/);
  });

  it("reports an HTTP error with its status, while ping still succeeds", async () => {
    await sim.control.fault("srv-0001", { fault: "http500" });
    await pingAgent(target("srv-0001"), options);
    const error = await failure(fetchApps(target("srv-0001"), options));
    expect(error).toMatchObject({ kind: "http", status: 500 });
    expect(error.message).toMatch(/answered HTTP 500 \(\{"error":"internal error: docker daemon did not answer"\}\)$/);
  });

  it("reports a reply that is not JSON", async () => {
    await sim.control.fault("srv-0001", { fault: "brokenJson" });
    const error = await failure(fetchApps(target("srv-0001"), options));
    expect(error.kind).toBe("invalid_json");
    expect(error.message).toMatch(/reply is not valid JSON/);
  });

  it("reports valid JSON with the wrong envelope", async () => {
    await sim.control.fault("srv-0001", { fault: "wrongShape" });
    const error = await failure(fetchApps(target("srv-0001"), options));
    expect(error.kind).toBe("invalid_reply");
    expect(error.message).toMatch(/reply is not an FAgent apps reply: server: required$/);
  });

  it("keeps the good apps when one entry has a wrong type", async () => {
    await sim.control.fault("srv-0001", { fault: "badEntry" });
    const { apps, rejected } = await fetchApps(target("srv-0001"), options);
    expect(apps).toHaveLength(7);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toMatch(/^\w+-app\[0\] ".+": port: expected integer, got string "80\/tcp"$/);
  });

  it("refuses a reply over the size limit while it streams, and cuts the transfer", async () => {
    await sim.control.fault("srv-0001", { fault: "oversize", mb: 1024 });
    const error = await failure(fetchApps(target("srv-0001"), { ...options, timeoutMs: 10_000 }));
    expect(error.kind).toBe("too_large");
    expect(error.message).toMatch(/: reply larger than 64 KB refused$/);
    // A client that kept reading would hold the 1 GB response open; the agent sees it closed.
    await vi.waitFor(async () => expect((await sim.control.stats()).agents["srv-0001"]!.inFlight.apps).toBe(0));
  });

  it("refuses a declared Content-Length over the limit before reading the body", async () => {
    await sim.control.fault("srv-0001", { fault: "oversize", mb: 1, declareLength: true });
    const error = await failure(fetchApps(target("srv-0001"), options));
    expect(error.kind).toBe("too_large");
  });

  it("sends the agent token in the configured header", async () => {
    const missing = await failure(fetchApps(target("srv-0003"), options));
    expect(missing).toMatchObject({ kind: "http", status: 401 });
    expect(missing.message).toMatch(/answered HTTP 401: the agent token \(X-Agent-Token\) is missing or wrong/);
    await expect(failure(pingAgent(target("srv-0003", "wrong"), options))).resolves.toMatchObject({ status: 401 });
    await pingAgent(target("srv-0003", "s3cret"), options);
    const reply = await fetchApps(target("srv-0003", "s3cret"), options);
    expect(reply.apps).toHaveLength(8);
    expect((await sim.control.stats()).agents["srv-0003"]!.unauthorized).toBe(2);
  });
});

describe("agentUrl", () => {
  it("brackets IPv6 literals and encodes a zone id", () => {
    expect(agentUrl({ ip: "127.0.0.5", port: 9100 }, "/ping")).toBe("http://127.0.0.5:9100/ping");
    expect(agentUrl({ ip: "::1", port: 9100 }, "/api/v1/apps")).toBe("http://[::1]:9100/api/v1/apps");
    expect(agentUrl({ ip: "[::1]", port: 9100 }, "ping")).toBe("http://[::1]:9100/ping");
    expect(agentUrl({ ip: "fe80::1%eth0", port: 9100 }, "/ping")).toBe("http://[fe80::1%25eth0]:9100/ping");
  });
});

describe("simulator", () => {
  it("records the highest number of concurrent apps requests per agent", async () => {
    await sim.control.resetStats();
    await sim.control.fault("srv-0002", { fault: "slow", ms: 1_000 }); // the first is still held when the second comes
    // Two sockets to one agent: the poll's own dispatcher keeps one per agent, so it would queue them.
    const dispatcher = new Agent({ connections: 2 });
    const twoAtOnce = { ...options, dispatcher };
    await Promise.all([fetchApps(target("srv-0002"), twoAtOnce), fetchApps(target("srv-0002"), twoAtOnce)]);
    await dispatcher.close();
    const stats = (await sim.control.stats()).agents["srv-0002"]!;
    expect(stats.requests.apps).toBe(2);
    expect(stats.maxInFlight.apps).toBe(2);
  });

  it("offers the same control over HTTP", async () => {
    const http = simulatorClient(sim.controlUrl!);
    expect((await http.listAgents()).map((a) => a.name)).toEqual(names);
    await http.fault("srv-0002", { fault: "down" });
    expect((await failure(pingAgent(target("srv-0002"), options))).kind).toBe("unreachable");
    await expect(http.removeApp("srv-0002", "docker", "no-such-app")).rejects.toThrow(
      "srv-0002 has no docker app no-such-app",
    );
  });
});
