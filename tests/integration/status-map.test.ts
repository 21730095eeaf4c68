// Real agents' dialects end to end: the simulator serves every Docker and systemd state and
// string-typed numbers over real HTTP (127.0.55.x), the real poll pipeline stores them in a real
// PostgreSQL, and an admin's status map changes the stored statuses at the next poll.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { pollServers } from "@/server/inventory/poll-cycle";
import { pollServer, pollTargetSelect } from "@/server/inventory/poll-server";
import { MAX_STATUS_MAPPINGS } from "@/server/inventory/status-map-edits";
import { startSimulator, type ScenarioInput } from "@/tools/fagent-sim";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { callers, errorOf, fieldErrors, type Callers } from "./inventory-fixtures";

// Generous: a loaded machine can stall this process (and the simulated agent in it) past a tight timeout.
const agent = { timeoutMs: 10_000, maxResponseBytes: 256 * 1024, tokenHeader: "X-Agent-Token" };

/** Each state as the agent writes it → what AC must store. */
const dockerStates: [raw: string, status: string][] = [
  ["running", "online"],
  ["exited", "offline"],
  ["dead", "offline"],
  ["created", "starting"],
  ["restarting", "starting"],
  ["removing", "stopping"],
  ["paused", "stopping"],
  ["Up 3 hours", "online"],
  ["Up 2 hours (Paused)", "stopping"],
  ["Exited (1) 2 minutes ago", "offline"],
  ["Restarting (1) 5 seconds ago", "starting"],
  ["Created", "starting"],
  ["Dead", "offline"],
  ["Removal In Progress", "stopping"],
  ["frobbing", "unknown"],
  ["Frobbing 3 hours", "unknown"],
];
const systemdStates: [raw: string, status: string][] = [
  ["active", "online"],
  ["inactive", "offline"],
  ["failed", "offline"],
  ["activating", "starting"],
  ["deactivating", "stopping"],
  ["reloading", "starting"],
  ["active (running)", "online"],
  ["failed (Result: exit-code)", "offline"],
];

const scenario: ScenarioInput = {
  mode: "address",
  baseAddress: "127.0.55.2",
  port: 0,
  agents: [
    {
      name: "docker-host",
      apps: {
        docker: [
          ...dockerStates.map(([status], i) => ({ container_name: `state-${i}_1`, version: "1.0", status })),
          // A shell-written agent: every number a string, the flag a word, the version a JSON number.
          {
            container_name: "shell_1",
            port: "8080",
            pid: " 4242 ",
            eureka_registered: "true",
            version: 1.4,
            status: "  Up 3 hours ",
          },
          {
            container_name: "shell_2",
            port: "8081",
            pid: "77",
            eureka_registered: "False",
            version: "2.0",
            status: "running",
          },
        ],
      },
    },
    {
      name: "systemd-host",
      apps: { service: systemdStates.map(([status], i) => ({ name: `unit-${i}`, version: "1.0", status })) },
    },
  ],
};

let sim: Awaited<ReturnType<typeof startSimulator>>;
let as: Callers;
const poll = (name: string) =>
  db()
    .server.findUniqueOrThrow({ where: { name }, select: pollTargetSelect })
    .then((t) => pollServer(t, { agent }));
const stored = (instanceName: string) => db().applicationInstance.findFirstOrThrow({ where: { instanceName } });

beforeAll(async () => {
  sim = await startSimulator({ scenario });
});
afterAll(() => sim.stop());
beforeEach(async () => {
  await sim.stop();
  sim = await startSimulator({ scenario });
  await resetDatabase();
  as = await callers();
  for (const a of sim.agents) await db().server.create({ data: { name: a.name, ip: a.ip, port: a.port } });
});

describe("every Docker and systemd state, and string-typed numbers", () => {
  it("stores each Docker state's AC status beside the raw status the agent sent", async () => {
    expect(await poll("docker-host")).toMatchObject({ result: "updated", error: null, skippedApps: [] });
    for (const [i, [raw, status]] of dockerStates.entries()) {
      expect(await stored(`state-${i}_1`), raw).toMatchObject({ status, rawStatus: raw });
    }
  });

  it("stores each systemd state's AC status", async () => {
    await poll("systemd-host");
    for (const [i, [raw, status]] of systemdStates.entries()) {
      expect(await stored(`unit-${i}`), raw).toMatchObject({ appType: "service", status, rawStatus: raw });
    }
  });

  it('converts integer strings, "true"/"false" and numeric versions, and counts them on the server', async () => {
    await poll("docker-host");
    expect(await stored("shell_1")).toMatchObject({
      port: 8080,
      pid: 4242,
      eurekaRegistered: true,
      version: "1.4",
      status: "online",
      rawStatus: "Up 3 hours",
    });
    expect(await stored("shell_2")).toMatchObject({ port: 8081, pid: 77, eurekaRegistered: false, version: "2.0" });
    const server = await as.viewer.servers.get({
      id: (await db().server.findUniqueOrThrow({ where: { name: "docker-host" } })).id,
    });
    expect(Object.fromEntries(server.agentCoercions)).toEqual({ port: 2, pid: 2, eureka_registered: 2, version: 1 });
    expect(server.lastError).toBeNull();
  });

  it("forgets the counts once the agent sends plain types, and keeps them while it is unreachable", async () => {
    await poll("docker-host");
    const id = (await db().server.findUniqueOrThrow({ where: { name: "docker-host" } })).id;
    await sim.control.fault("docker-host", { fault: "down" });
    expect((await poll("docker-host")).result).toBe("offline");
    expect((await as.viewer.servers.get({ id })).agentCoercions).not.toEqual([]);
    await sim.control.fault("docker-host", { fault: "clear" });
    await sim.control.setApp("docker-host", "docker", "shell_1", {
      port: 8080,
      pid: 4242,
      eureka_registered: true,
      version: "1.4",
    });
    await sim.control.setApp("docker-host", "docker", "shell_2", { port: 8081, pid: 77, eureka_registered: false });
    await poll("docker-host");
    expect((await as.viewer.servers.get({ id })).agentCoercions).toEqual([]);
    expect(await stored("shell_1")).toMatchObject({ port: 8080, version: "1.4" });
    expect(await db().applicationVersionHistory.count()).toBe(0); // 1.4 and "1.4" are one version
  });
});

describe("an admin's status map", () => {
  it("changes the stored status at the next poll, with no events or version history", async () => {
    await pollServers({}, { agent });
    const events = await db().event.count();
    expect(await stored("state-14_1")).toMatchObject({ status: "unknown", rawStatus: "frobbing" });

    await as.admin.statusMap.set({ appType: "docker", rawStatus: "  FROBBING ", status: "offline" });
    // The agents' replies did not change: the map's version in the fingerprint makes the cycle apply them again.
    const { summary } = await pollServers({}, { agent });
    expect(summary.unchanged).toBe(0);
    expect(await stored("state-14_1")).toMatchObject({ status: "offline", rawStatus: "frobbing" });
    expect(await stored("state-15_1")).toMatchObject({ status: "offline", rawStatus: "Frobbing 3 hours" }); // by its first word
    expect(await db().event.count()).toBe(events);
    expect(await db().applicationVersionHistory.count()).toBe(0);

    // The next cycle with the same map is a quiet one again.
    expect((await pollServers({}, { agent })).summary.unchanged).toBe(2);
  });

  it("takes precedence over a default, for its app type only, and deleting it restores the default", async () => {
    await pollServers({}, { agent });
    const entry = await as.admin.statusMap.set({ appType: "service", rawStatus: "failed", status: "stopping" });
    await pollServers({}, { agent });
    expect(await stored("unit-2")).toMatchObject({ status: "stopping" });
    expect(await stored("unit-7")).toMatchObject({ status: "stopping", rawStatus: "failed (Result: exit-code)" });
    expect(await stored("state-2_1")).toMatchObject({ status: "offline", rawStatus: "dead" }); // docker untouched

    await as.admin.statusMap.delete({ id: entry.id });
    await poll("systemd-host"); // a single poll outside a cycle loads the map itself
    expect(await stored("unit-2")).toMatchObject({ status: "offline" });
    expect(await db().event.count({ where: { eventType: { in: ["start", "stop"] } } })).toBe(0);
  });

  it("still writes events when the agent's status itself changes", async () => {
    await poll("docker-host");
    await sim.control.setApp("docker-host", "docker", "state-0_1", { status: "Exited (137) 1 second ago" });
    await poll("docker-host");
    const stops = await db().event.findMany({ where: { eventType: "stop" } });
    expect(stops.map((e) => e.description)).toEqual(["state-0_1 is offline (was online)"]);
  });

  it("is admin-only, and refuses AC's own statuses, no_data, over-long keys and a full map", async () => {
    expect(
      (await errorOf(as.operator.statusMap.set({ appType: "docker", rawStatus: "x", status: "online" }))).code,
    ).toBe("FORBIDDEN");
    expect((await errorOf(as.operator.statusMap.delete({ id: 1 }))).code).toBe("FORBIDDEN");
    expect(
      await fieldErrors(as.admin.statusMap.set({ appType: "docker", rawStatus: "Online", status: "offline" })),
    ).toMatchObject({
      rawStatus: ["is one of AC's own statuses, which always mean themselves"],
    });
    expect(
      await fieldErrors(as.admin.statusMap.set({ appType: "docker", rawStatus: "x".repeat(101), status: "offline" })),
    ).toMatchObject({
      rawStatus: ["at most 100 characters"],
    });
    expect(
      // @ts-expect-error no_data is AC's own state, not a mapping target
      await fieldErrors(as.admin.statusMap.set({ appType: "docker", rawStatus: "x", status: "no_data" })),
    ).toHaveProperty("status");
    expect(
      await fieldErrors(as.admin.statusMap.set({ appType: "docker", rawStatus: "a\u0000b", status: "online" })),
    ).toHaveProperty("rawStatus");
    expect((await errorOf(as.admin.statusMap.delete({ id: 999_999 }))).code).toBe("NOT_FOUND");

    await db().statusMapping.createMany({
      data: Array.from({ length: MAX_STATUS_MAPPINGS }, (_, i) => ({
        appType: "docker" as const,
        rawStatus: `s${i}`,
        status: "online" as const,
      })),
    });
    const full = await errorOf(as.admin.statusMap.set({ appType: "docker", rawStatus: "one-more", status: "online" }));
    expect(full.code).toBe("PRECONDITION_FAILED");
    expect(full.message).toContain("full (500 entries)");
    // Changing an existing entry does not grow the map, so it is still allowed.
    expect(await as.admin.statusMap.set({ appType: "docker", rawStatus: "s1", status: "offline" })).toMatchObject({
      rawStatus: "s1",
      status: "offline",
    });
    expect(await db().statusMapping.count()).toBe(MAX_STATUS_MAPPINGS);
  });
});

describe("unknown statuses", () => {
  it("lists raw statuses read as unknown, grouped by the key to map, with counts; mapped ones drop out", async () => {
    await pollServers({}, { agent });
    expect((await as.viewer.statusMap.unknown()).items).toEqual([
      { appType: "docker", key: "frobbing", example: "Frobbing 3 hours", instances: 2 },
    ]);
    await as.admin.statusMap.set({ appType: "docker", rawStatus: "frobbing", status: "online" });
    await pollServers({}, { agent });
    expect(await as.viewer.statusMap.unknown()).toEqual({ items: [], more: false });
  });
});
