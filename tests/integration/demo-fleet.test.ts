// `npm start`'s demo fleet (tools/demo-fleet.ts): versions as in a real fleet, and a restart of
// the simulator resumes what AC recorded instead of writing fake downgrades into the history.
import { afterAll, describe, expect, it } from "vitest";
import { nameField, type AppKind, type WireApp } from "@/server/agent/contract";
import { closeDb, db } from "@/server/db";
import { parseInstanceName } from "@/server/inventory/grouping";
import { pollServers } from "@/server/inventory/poll-cycle";
import { generateFleet, startSimulator, type Simulator } from "@/tools/fagent-sim";
import type { Scenario } from "@/tools/fagent-sim/scenario";
import { resumeRecordedVersions, settleDemoStatuses } from "@/tools/demo-fleet";

const fleetOptions = { servers: 12, appsPerServer: 8, seed: 7, mode: "address", baseAddress: "127.0.93.2", port: 0 };
const demoScenario = () => generateFleet({ ...fleetOptions, mode: "address", versions: "per-group" }) as Scenario;

/** Versions of each group (base name, whatever the app kind) across the fleet. */
function versionsByGroup(scenario: Scenario) {
  const groups = new Map<string, string[]>();
  for (const agent of scenario.agents)
    for (const kind of Object.keys(agent.apps) as AppKind[])
      for (const app of agent.apps[kind] as WireApp[]) {
        const key = parseInstanceName(String(app[nameField[kind]])).groupName;
        groups.set(key, [...(groups.get(key) ?? []), String(app.version)]);
      }
  return [...groups.values()].filter((versions) => versions.length >= 4);
}
const shareOfMostCommon = (versions: string[]) =>
  Math.max(...versions.map((v) => versions.filter((w) => w === v).length)) / versions.length;

describe("demo fleet versions", () => {
  it("most of a group runs one version, a few are behind", () => {
    const groups = versionsByGroup(demoScenario());
    expect(groups.length).toBeGreaterThan(3);
    for (const versions of groups) {
      expect(shareOfMostCommon(versions)).toBeGreaterThanOrEqual(0.5);
      expect(new Set(versions).size).toBeLessThanOrEqual(3);
    }
    // The benchmark's and tests' fleet keeps one random version per instance.
    const random = versionsByGroup(generateFleet({ ...fleetOptions, mode: "address" }) as Scenario);
    expect(random.some((versions) => shareOfMostCommon(versions) < 0.5)).toBe(true);
  });
});

describe("demo fleet statuses", () => {
  it("every app runs but one exited container and one failed service, each in a group of four or more", () => {
    const scenario = generateFleet({
      ...fleetOptions,
      mode: "address",
      servers: 36,
      versions: "per-group",
    }) as Scenario;
    settleDemoStatuses(scenario);
    const apps = scenario.agents.flatMap((agent) =>
      (Object.keys(agent.apps) as AppKind[]).flatMap((kind) =>
        (agent.apps[kind] as WireApp[]).map((app) => ({
          kind,
          app,
          group: parseInstanceName(String(app[nameField[kind]])).groupName,
        })),
      ),
    );
    const broken = apps.filter(({ app }) => app.status !== "running" && app.status !== "active");
    expect(broken.map(({ kind, app }) => `${kind} ${String(app.status)}`)).toEqual(["docker exited", "service failed"]);
    for (const { group } of broken) expect(apps.filter((a) => a.group === group).length).toBeGreaterThanOrEqual(4);
    expect(new Set(broken.map((b) => b.group)).size).toBe(2);
  });
});

describe("restarting the demo", () => {
  let sim: Simulator | undefined;
  afterAll(async () => {
    await sim?.stop();
    await closeDb();
  });

  async function start(scenario: Scenario) {
    sim = await startSimulator({ scenario });
    for (const agent of sim.agents)
      await db().server.upsert({
        where: { name: agent.name },
        create: { name: agent.name, ip: agent.ip, port: agent.port },
        update: { ip: agent.ip, port: agent.port },
      });
    await pollServers();
  }

  it("resumes the versions AC recorded: no downgrade in the history", async () => {
    await start(demoScenario());
    // An update installs a newer version on one docker instance, as the demo playbook does.
    const agent = sim!.agents[0]!.name;
    const [app] = (await sim!.control.getApps(agent)).docker;
    expect(app, "the first demo agent runs a docker app").toBeDefined();
    await sim!.control.setApp(agent, "docker", app!.container_name, { version: "9.0.0", tag: "9.0.0" });
    await pollServers();
    const historyBefore = await db().applicationVersionHistory.count();
    expect(historyBefore).toBeGreaterThan(0);

    // AC restarts: the simulator is generated again from its seed, then resumes.
    await sim!.stop();
    const scenario = demoScenario();
    expect(await resumeRecordedVersions(scenario)).toBe(1);
    await start(scenario);
    expect(await db().applicationVersionHistory.count()).toBe(historyBefore);
    const instance = await db().applicationInstance.findFirstOrThrow({
      where: { appType: "docker", instanceName: app!.container_name, server: { name: agent } },
    });
    expect(instance.version).toBe("9.0.0");
    expect(instance.tag).toBe("9.0.0");
  });
});
