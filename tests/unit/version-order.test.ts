import { describe, expect, it } from "vitest";
import { compareVersions, sortVersionsNewestFirst } from "@/server/artifacts/version-order";

describe("version order", () => {
  it("compares numeric parts as numbers, newest first", () => {
    expect(sortVersionsNewestFirst(["1.9.0", "1.10.0", "1.2", "2.0.0", "1.10.1"])).toEqual([
      "2.0.0",
      "1.10.1",
      "1.10.0",
      "1.9.0",
      "1.2",
    ]);
  });

  it("puts a release above its pre-releases, and orders pre-releases as semver does", () => {
    expect(
      sortVersionsNewestFirst(["1.4.0-rc.1", "1.4.0", "1.4.0-rc.2", "1.4.0-beta", "1.4.0-rc.10", "1.3.9"]),
    ).toEqual(["1.4.0", "1.4.0-rc.10", "1.4.0-rc.2", "1.4.0-rc.1", "1.4.0-beta", "1.3.9"]);
    expect(compareVersions("2.0.0-SNAPSHOT", "2.0.0")).toBeLessThan(0);
    expect(compareVersions("2.0.0.Final", "2.0.0-rc1")).toBeGreaterThan(0);
  });

  it("ignores a leading v and build metadata; treats missing parts as zero", () => {
    expect(sortVersionsNewestFirst(["v1.2.0", "1.10", "v1.9.1"])).toEqual(["1.10", "v1.9.1", "v1.2.0"]);
    expect(compareVersions("1.2", "1.2.0")).not.toBe(0); // equal value, stable by text
    expect(Math.sign(compareVersions("1.2.0+build.5", "1.2.1"))).toBe(-1);
  });

  it("handles four parts, dates, underscores and numbers beyond doubles", () => {
    expect(sortVersionsNewestFirst(["2024.01.15", "2023.12.31", "2024.1.2"])).toEqual([
      "2024.01.15",
      "2024.1.2",
      "2023.12.31",
    ]);
    expect(sortVersionsNewestFirst(["1.2.3.4", "1.2.3.10", "1_2_4"])).toEqual(["1_2_4", "1.2.3.10", "1.2.3.4"]);
    expect(compareVersions("1.99999999999999999999", "1.99999999999999999998")).toBeGreaterThan(0);
  });

  it("keeps tags that are not versions below all versions, by name, and drops duplicates", () => {
    expect(sortVersionsNewestFirst(["latest", "1.0", "stable", "2.0", "1.0", " 2.0 ", ""])).toEqual([
      "2.0",
      "1.0",
      "latest",
      "stable",
    ]);
  });
});
