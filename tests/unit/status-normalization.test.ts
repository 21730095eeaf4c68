import { describe, expect, it } from "vitest";
import { normalizeStatus } from "@/server/inventory/status";

describe("status normalisation follows the status table of docs/inventory.md", () => {
  it.each([
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
  ])("%s → %s", (agent, expected) => {
    expect(normalizeStatus(agent)).toBe(expected);
  });

  it.each(["online", "offline", "unknown", "starting", "stopping", "no_data"])("the allowed status %s is kept", (status) => {
    expect(normalizeStatus(status)).toBe(status);
  });

  it("ignores case and surrounding spaces", () => {
    expect(normalizeStatus("  RUNNING ")).toBe("online");
    expect(normalizeStatus("Paused")).toBe("stopping");
    expect(normalizeStatus("Online")).toBe("online");
  });

  it.each([["exploded"], ["restarting"], [""], ["   "], [null], [undefined]])("%j → unknown", (agent) => {
    expect(normalizeStatus(agent)).toBe("unknown");
  });
});
