// The label bounds of the instance metrics (docs/metrics.md, "Cardinality"): names past a cap fold
// into "(other)" with their counts kept, and a folded group never spreads into many series.
import { describe, expect, it } from "vitest";
import { instanceCounts } from "@/server/metrics/fleet-snapshot";
import type { InstanceRow } from "@/server/metrics/instance-counts";

const row = (
  kind: InstanceRow["kind"],
  name: string | null,
  n: number,
  more: Partial<InstanceRow> = {},
): InstanceRow => ({
  kind,
  name,
  status: kind === "version" ? null : "online",
  version: null,
  beyond_cap: false,
  n,
  versions: 0,
  ...more,
});
const sorted = <T extends { labels: Record<string, string> }>(list: T[]) =>
  [...list].sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));

describe("instance metric labels", () => {
  const rows = [
    ...[
      ["big", 50],
      ["mid", 30],
      ["small", 5],
      ["tiny", 1],
    ].flatMap(([name, n]) => [
      row("group", name as string, n as number),
      row("catalog", name as string, n as number),
      row("version", name as string, n as number, { version: `${name}-1.0`, versions: 1 }),
    ]),
    row("group", "big", 4, { status: "offline" }),
    row("group", null, 2),
    row("version", "big", 3, { beyond_cap: true, versions: 7 }),
  ];

  it("keeps the largest groups by name and folds the rest into (other), counts unchanged", () => {
    const counts = instanceCounts(rows, { catalogEntries: 3, groups: 2 });
    expect(sorted(counts.byGroup)).toEqual(
      sorted([
        { labels: { group: "big", status: "online" }, value: 50 },
        { labels: { group: "big", status: "offline" }, value: 4 },
        { labels: { group: "mid", status: "online" }, value: 30 },
        { labels: { group: "(other)", status: "online" }, value: 6 },
        { labels: { group: "(none)", status: "online" }, value: 2 },
      ]),
    );
    expect(counts.byCatalog.find((c) => c.labels.catalog === "(other)")?.value).toBe(1);
    expect(counts.byStatus).toEqual([{ labels: { status: "online" }, value: 86 }]);
  });

  it("gives folded groups one version series and no version count, and keeps a group's own (other) versions", () => {
    const counts = instanceCounts(rows, { catalogEntries: 3, groups: 2 });
    expect(sorted(counts.byGroupVersion)).toEqual(
      sorted([
        { labels: { group: "big", version: "big-1.0" }, value: 50 },
        { labels: { group: "big", version: "(other)" }, value: 3 },
        { labels: { group: "mid", version: "mid-1.0" }, value: 30 },
        { labels: { group: "(other)", version: "(other)" }, value: 6 },
      ]),
    );
    expect(sorted(counts.groupVersions)).toEqual(
      sorted([
        { labels: { group: "big" }, value: 8 },
        { labels: { group: "mid" }, value: 1 },
      ]),
    );
  });
});
