// The simulator's churn (tools/fagent-sim/fleet.ts tick): the demo's statuses change for a while
// and come back, so the fleet stays as healthy as it started; without blips a change stays.
import { describe, expect, it } from "vitest";
import { Fleet } from "@/tools/fagent-sim/fleet";
import { rng } from "@/tools/fagent-sim/random";
import { generateFleet, placeAgents } from "@/tools/fagent-sim/scenario";

function runningFleet() {
  const fleet = new Fleet();
  const scenario = generateFleet({ servers: 4, appsPerServer: 5, seed: 3, port: 0 });
  for (const agent of placeAgents(scenario)) {
    for (const app of [...agent.apps.docker, ...agent.apps.site, ...agent.apps.service]) app.status = "running";
    fleet.add(agent);
  }
  return fleet;
}
const notRunning = (fleet: Fleet) =>
  [...fleet.agents.values()]
    .flatMap((a) => [...a.apps.docker, ...a.apps.site, ...a.apps.service])
    .filter((app) => app.status !== "running").length;

describe("churn ticks", () => {
  it("with blipTicks, a changed status is back after that many ticks", () => {
    const fleet = runningFleet();
    const r = rng(1);
    fleet.tick(r, 3, { versions: false, blipTicks: 2 });
    expect(notRunning(fleet)).toBeGreaterThan(0);
    // Each tick blips new apps, but none stays changed longer than two ticks.
    for (let i = 0; i < 50; i++) {
      fleet.tick(r, 3, { versions: false, blipTicks: 2 });
      expect(notRunning(fleet)).toBeLessThanOrEqual(6);
    }
  });

  it("with blipTicks, an app that is not running is left alone", () => {
    const fleet = runningFleet();
    const broken = [...fleet.agents.values()][0]!.apps;
    const app = [...broken.docker, ...broken.site, ...broken.service][0]!;
    app.status = "failed";
    const r = rng(1);
    for (let i = 0; i < 200; i++) {
      fleet.tick(r, 3, { versions: false, blipTicks: 2 });
      expect(app.status).toBe("failed");
    }
  });

  it("without blipTicks, changes stay and the fleet drifts away from running", () => {
    const fleet = runningFleet();
    const r = rng(1);
    for (let i = 0; i < 50; i++) fleet.tick(r, 3, { versions: false });
    expect(notRunning(fleet)).toBeGreaterThan(6);
  });
});
