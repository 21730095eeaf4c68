import { describe, expect, it } from "vitest";
import { readDateRange } from "@/lib/list-params";

describe("the from / to filter of a list", () => {
  it("reads datetime-local values as UTC and keeps the text as typed for the form", () => {
    expect(readDateRange({ from: "2026-11-30T08:00", to: "2026-12-01" })).toEqual({
      from: new Date("2026-11-30T08:00:00Z"),
      to: new Date("2026-12-01T00:00:00Z"),
      fromText: "2026-11-30T08:00",
      toText: "2026-12-01",
      reversed: false,
    });
  });

  it("drops `to` when it is before `from`, and says so, rather than showing an empty list", () => {
    const range = readDateRange({ from: "2026-12-01T10:00", to: "2026-12-01T09:00" });
    expect(range).toMatchObject({
      from: new Date("2026-12-01T10:00:00Z"),
      to: undefined,
      reversed: true,
      toText: "2026-12-01T09:00",
    });
  });

  it("treats garbage as not set, keeping the text so the form shows what was typed", () => {
    expect(readDateRange({ from: "yesterday" })).toEqual({
      from: undefined,
      to: undefined,
      fromText: "yesterday",
      toText: undefined,
      reversed: false,
    });
  });
});
