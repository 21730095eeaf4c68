// `npm start`'s simulated fleet (docs/getting-started.md, "The demo"): versions as in a real
// fleet, changed only by updates, and a restart resumes the versions AC last recorded instead of
// going back to the generated ones (which AC would record as downgrades).
import { nameField, type AppKind, type WireApp } from "../server/agent/contract";
import type { Scenario } from "./fagent-sim/scenario";

/** Puts each app of `scenario` on the version AC's inventory holds for it; returns how many moved. */
export async function resumeRecordedVersions(scenario: Scenario): Promise<number> {
  const { db } = await import("../server/db");
  const rows = await db().applicationInstance.findMany({
    where: { server: { name: { in: scenario.agents.map((a) => a.name) } } },
    select: {
      server: { select: { name: true } },
      appType: true,
      instanceName: true,
      version: true,
      tag: true,
      image: true,
      distrPath: true,
    },
  });
  const recorded = new Map(rows.map((r) => [`${r.server.name}/${r.appType}/${r.instanceName}`, r]));
  let moved = 0;
  for (const agent of scenario.agents) {
    for (const kind of Object.keys(agent.apps) as AppKind[]) {
      for (const app of agent.apps[kind] as WireApp[]) {
        const row = recorded.get(`${agent.name}/${kind}/${String(app[nameField[kind]])}`);
        if (!row?.version || row.version === app.version) continue;
        // The fields that name the version, exactly as AC last read them.
        const fields = { version: row.version, tag: row.tag, image: row.image, distr_path: row.distrPath };
        for (const [field, value] of Object.entries(fields)) if (value !== null && field in app) app[field] = value;
        moved++;
      }
    }
  }
  return moved;
}

/**
 * What AC needs to update the simulated fleet (`npm start`, the e2e server): the simulator's
 * playbook as the default and its control address. A variable the user set wins; PLAYBOOK_ENV is extended.
 */
export function demoUpdateEnv(controlUrl: string): Record<string, string> {
  const passed = process.env.PLAYBOOK_ENV?.trim();
  return {
    AC_SIM_CONTROL_URL: process.env.AC_SIM_CONTROL_URL ?? controlUrl,
    PLAYBOOK_ENV: passed ? `${passed},AC_SIM_CONTROL_URL` : "AC_SIM_CONTROL_URL",
    DEFAULT_UPDATE_PLAYBOOK: process.env.DEFAULT_UPDATE_PLAYBOOK ?? "ansible/simulator-update.yml",
  };
}
