// before → after for audit rows (server/audit/changes.ts) and the CSV cells of the export
// (server/audit/csv.ts): secrets never appear, formulas never run.
import { describe, expect, it } from "vitest";
import { changesOf, secretSet } from "@/server/audit/changes";
import { csvCell } from "@/server/audit/csv";

describe("changesOf", () => {
  it("lists only the fields that changed, ignoring ids and timestamps", () => {
    const before = { id: 1, name: "web", port: 80, tags: ["a"], updatedAt: new Date(0) };
    const after = { id: 1, name: "web", port: 81, tags: ["a", "b"], updatedAt: new Date(1) };
    expect(changesOf(before, after)).toEqual({ port: { from: 80, to: 81 }, tags: { from: ["a"], to: ["a", "b"] } });
  });

  it("shows a secret field only as [redacted] or null, and redacts credentials inside other text", () => {
    const changes = changesOf(
      { agentToken: null, url: "https://u:hunter22@repo.example/x" },
      { agentToken: "tok-123456789", url: "https://u:newpass99@repo.example/x" },
      { secret: ["agentToken"] },
    );
    expect(changes.agentToken).toEqual({ from: null, to: "[redacted]" });
    expect(JSON.stringify(changes)).not.toMatch(/tok-123456789|hunter22|newpass99/);
    expect(secretSet("password")).toEqual({ password: { from: "[redacted]", to: "[redacted]" } });
  });

  it("a creation has from null, a deletion to null; long text is cut", () => {
    expect(changesOf(null, { name: "x".repeat(600) }).name!.to).toHaveLength(500);
    expect(changesOf({ name: "gone" }, null)).toEqual({ name: { from: "gone", to: null } });
  });
});

describe("csvCell", () => {
  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ["+1", `"'+1"`],
    ["-2", `"'-2"`],
    ["@SUM(A1)", `"'@SUM(A1)"`],
    ["\tx", `"'\tx"`],
    ["plain, text", `"plain, text"`],
    [null, `""`],
  ])("%j → %s", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
