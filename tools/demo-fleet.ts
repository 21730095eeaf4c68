// `npm start`'s simulated fleet (docs/getting-started.md, "The demo"): versions as in a real
// fleet, changed only by updates, and a restart resumes the versions AC last recorded instead of
// going back to the generated ones (which AC would record as downgrades).
import { APP_KINDS, nameField, type AppKind, type WireApp } from "../server/agent/contract";
import { parseInstanceName } from "../server/inventory/grouping";
import type { Scenario } from "./fagent-sim/scenario";

const RUNNING: Record<AppKind, string> = { docker: "running", site: "active", service: "active" };
/**
 * The demo's broken instances: the first numbered one of the kind from the `fromAgent`-th agent on,
 * each in its own group of at least four instances (so no group rule fires).
 */
const INCIDENTS: { kind: AppKind; status: string; fromAgent: number }[] = [
  { kind: "docker", status: "exited", fromAgent: 11 },
  { kind: "service", status: "failed", fromAgent: 23 },
];

/**
 * As in a healthy fleet every app runs, but one container exited and one service failed: the
 * default rule "Instance offline" fires twice (README.md, "The demo"; docs/alerts.md). The
 * generated statuses are random, and a fleet with every fifth instance offline and half its groups
 * below half online showed a newcomer some hundred alerts, which told nothing.
 */
export function settleDemoStatuses(scenario: Scenario): void {
  const apps = scenario.agents.flatMap((agent, agentIndex) =>
    APP_KINDS.flatMap((kind) =>
      (agent.apps[kind] as WireApp[]).map((app) => ({
        kind,
        app,
        agentIndex,
        ...parseInstanceName(String(app[nameField[kind]])),
      })),
    ),
  );
  const groupSize = new Map<string, number>();
  for (const { kind, app, groupName } of apps) {
    app.status = RUNNING[kind];
    groupSize.set(groupName, (groupSize.get(groupName) ?? 0) + 1);
  }
  const broken = new Set<string>();
  for (const incident of INCIDENTS) {
    const chosen = apps.find(
      (a) =>
        a.kind === incident.kind &&
        a.agentIndex >= incident.fromAgent &&
        a.instanceNumber > 0 &&
        !broken.has(a.groupName) &&
        groupSize.get(a.groupName)! >= 4,
    );
    if (!chosen) continue;
    chosen.app.status = incident.status;
    broken.add(chosen.groupName);
  }
}

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
