// `npm start`'s demo ports (tools/demo-settings.ts): one base, three ports, a bad value refused
// with a message naming the variable, so a second demo on the machine fails clearly or not at all.
import { describe, expect, it } from "vitest";
import { demoPorts } from "@/tools/demo-settings";

describe("AC_DEMO_PORT_BASE", () => {
  it("defaults to 19098 (Eureka), 19099 (control), 19100 (agents) when unset or empty", () => {
    const ports = { eureka: 19098, control: 19099, agents: 19100 };
    expect(demoPorts({})).toEqual(ports);
    expect(demoPorts({ AC_DEMO_PORT_BASE: " " })).toEqual(ports);
  });

  it("moves all three ports", () => {
    expect(demoPorts({ AC_DEMO_PORT_BASE: "20000" })).toEqual({ eureka: 20000, control: 20001, agents: 20002 });
    expect(demoPorts({ AC_DEMO_PORT_BASE: "65533" }).agents).toBe(65535);
  });

  it.each([
    ["abc", "must be a port number"],
    ["1e4", "must be a port number"],
    ["19098.5", "must be a port number"],
    ["-1", "must be a port number"],
    ["80", "must be at least 1024"],
    ["65534", "must be at most 65533 (it uses this port and the next two)"],
  ])("refuses %j: %s", (value, message) => {
    expect(() => demoPorts({ AC_DEMO_PORT_BASE: value })).toThrow(
      `AC_DEMO_PORT_BASE=${JSON.stringify(value)}: ${message}`,
    );
  });
});
