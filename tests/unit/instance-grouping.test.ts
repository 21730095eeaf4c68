import { describe, expect, it } from "vitest";
import { parseInstanceName } from "@/server/inventory/grouping";

describe("instance names resolve to a group and an instance number (pattern ^(.+?)_(\\d+)$)", () => {
  it.each([
    ["jurws_1", "jurws", 1],
    ["best-app_2", "best-app", 2],
    ["standalone", "standalone", 0],
    ["my-app_test", "my-app_test", 0],
    ["a_b_12", "a_b", 12],
    ["app_007", "app", 7],
    ["_5", "_5", 0],
    ["платёж_3", "платёж", 3],
  ])("%s → (%s, %i)", (name, group, number) => {
    expect(parseInstanceName(name)).toEqual({ groupName: group, instanceNumber: number });
  });

  it("keeps a suffix too large for an integer column as part of the name", () => {
    expect(parseInstanceName("app_99999999999")).toEqual({ groupName: "app_99999999999", instanceNumber: 0 });
  });
});
