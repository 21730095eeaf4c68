import { describe, expect, it } from "vitest";
import {
  agentStatusMap,
  defaultStatusMap,
  normalizeStatus,
  runtimeStatusMap,
  wordKey,
} from "@/server/inventory/status";
import { buildStatusMap } from "@/server/inventory/status-map";

describe("status normalisation follows the status table of docs/inventory.md", () => {
  const seedTable = [
    ["disabled", "offline"],
    ["enabled", "online"],
    ["running", "online"],
    ["stopped", "offline"],
    ["down", "offline"],
    ["up", "online"],
    ["active", "online"],
    ["inactive", "offline"],
    ["paused", "stopping"],
    ["pending", "starting"],
  ] as const;

  it.each(seedTable)("%s → %s", (agent, expected) => {
    expect(normalizeStatus(agent)).toBe(expected);
  });

  it("the table of docs/inventory.md is kept exactly, with nothing added to it", () => {
    expect(agentStatusMap).toEqual(Object.fromEntries(seedTable));
  });

  it.each(["online", "offline", "unknown", "starting", "stopping", "no_data"])(
    "the allowed status %s is kept",
    (status) => {
      expect(normalizeStatus(status)).toBe(status);
    },
  );

  it("ignores case and surrounding spaces", () => {
    expect(normalizeStatus("  RUNNING ")).toBe("online");
    expect(normalizeStatus("Paused")).toBe("stopping");
    expect(normalizeStatus("Online")).toBe("online");
    expect(normalizeStatus("\tExited\n")).toBe("offline");
  });

  it.each([["exploded"], [""], ["   "], [null], [undefined]])("%j → unknown", (agent) => {
    expect(normalizeStatus(agent)).toBe("unknown");
  });

  it.each([["constructor"], ["toString"], ["__proto__"], ["hasOwnProperty"]])(
    "%j, a name every JavaScript object has, → unknown",
    (agent) => {
      expect(normalizeStatus(agent)).toBe("unknown");
    },
  );
});

describe("Docker's and systemd's other states", () => {
  const runtimeTable = [
    ["exited", "offline"],
    ["dead", "offline"],
    ["failed", "offline"],
    ["created", "starting"],
    ["restarting", "starting"],
    ["activating", "starting"],
    ["reloading", "starting"],
    ["deactivating", "stopping"],
    ["removing", "stopping"],
    ["removal", "stopping"],
  ] as const;

  it.each(runtimeTable)("%s → %s", (agent, expected) => {
    expect(normalizeStatus(agent)).toBe(expected);
    expect(normalizeStatus(agent.toUpperCase())).toBe(expected);
  });

  it("the default map is exactly AC's statuses, the table of docs/inventory.md and these states", () => {
    expect(runtimeStatusMap).toEqual(Object.fromEntries(runtimeTable));
    expect(defaultStatusMap.size).toBe(6 + 10 + runtimeTable.length);
  });
});

describe("human status strings, by their first word", () => {
  it.each([
    ["Up 3 hours", "online"],
    ["Up About a minute", "online"],
    ["Up 5 minutes (healthy)", "online"],
    ["Up 5 minutes (unhealthy)", "online"],
    ["Up 2 hours (Paused)", "stopping"],
    ["Exited (1) 2 minutes ago", "offline"],
    ["Exited (0) About an hour ago", "offline"],
    ["Restarting (1) 5 seconds ago", "starting"],
    ["Created", "starting"],
    ["Dead", "offline"],
    ["Removal In Progress", "stopping"],
    ["active (running)", "online"],
    ["inactive (dead)", "offline"],
    ["failed (Result: exit-code)", "offline"],
    ["activating (auto-restart)", "starting"],
    ["Frobbing 3 hours", "unknown"],
    ["(weird)", "unknown"],
  ])("%j → %s", (agent, expected) => {
    expect(normalizeStatus(agent)).toBe(expected);
  });

  it("the key of a multi-word status is its first word; one word has none", () => {
    expect(wordKey("exited (1) 2 minutes ago")).toBe("exited");
    expect(wordKey("up 2 hours (paused)")).toBe("paused");
    expect(wordKey("running")).toBeNull();
  });
});

describe("an admin's map", () => {
  const map = buildStatusMap([
    { appType: "docker", rawStatus: "frobbing", status: "offline" },
    { appType: "docker", rawStatus: "exited", status: "stopping" },
    { appType: "service", rawStatus: "up 3 hours", status: "starting" },
  ]);

  it("maps an unknown status, for its app type only", () => {
    expect(map.normalize("docker", "Frobbing")).toBe("offline");
    expect(map.normalize("docker", "Frobbing 3 hours")).toBe("offline");
    expect(map.normalize("site", "frobbing")).toBe("unknown");
  });

  it("takes precedence over the defaults, and a whole string over a first word", () => {
    expect(map.normalize("docker", "Exited (1) 2 minutes ago")).toBe("stopping");
    expect(map.normalize("site", "Exited (1) 2 minutes ago")).toBe("offline");
    expect(map.normalize("service", "Up 3 hours")).toBe("starting");
    expect(map.normalize("service", "Up 4 hours")).toBe("online");
  });

  it("has a version that changes with its entries, and none without entries", () => {
    expect(buildStatusMap([]).version).toBe("");
    expect(map.version).toMatch(/^[0-9a-f]{40}$/);
    const reordered = buildStatusMap([
      { appType: "service", rawStatus: "up 3 hours", status: "starting" },
      { appType: "docker", rawStatus: "exited", status: "stopping" },
      { appType: "docker", rawStatus: "frobbing", status: "offline" },
    ]);
    expect(reordered.version).toBe(map.version);
    expect(buildStatusMap([{ appType: "docker", rawStatus: "frobbing", status: "online" }]).version).not.toBe(
      map.version,
    );
  });
});
