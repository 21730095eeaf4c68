// The rule form's parameter inputs come from the kinds' schemas (server/alerts/rule-params.ts): the
// bounds an input offers are the ones the API enforces, a saved rule reads back into the same
// inputs, and a refused value is reported against the field it concerns (docs/alerts.md, "Rule kinds").
import { describe, expect, it } from "vitest";
import { paramsOf, paramValues } from "@/components/alerts/param-inputs";
import { alertRuleKinds } from "@/lib/alerts";
import { checkRule } from "@/server/alerts/rule-kinds";
import { checkParams, paramFields, ruleParams } from "@/server/alerts/rule-params";

describe("paramFields", () => {
  it("offers, per kind, exactly the parameters its schema takes, with a label and help", () => {
    for (const kind of alertRuleKinds) {
      const fields = paramFields[kind].fields;
      expect(fields.map((f) => f.name).sort(), kind).toEqual(Object.keys(ruleParams[kind].shape).sort());
      for (const f of fields) {
        expect(f.label, `${kind}.${f.name}`).not.toBe(f.name);
        expect(f.help, `${kind}.${f.name}`).not.toBe("");
      }
    }
  });

  it("gives each number input the bounds the API enforces: the edges pass, one step beyond is refused", () => {
    for (const kind of alertRuleKinds)
      for (const f of paramFields[kind].fields) {
        if (f.type !== "number") continue;
        expect(f.min, `${kind}.${f.name}`).toBeTypeOf("number");
        expect(f.max, `${kind}.${f.name}`).toBeTypeOf("number");
        // group_online_low needs one of its two; the other is left at a valid value.
        const others = kind === "group_online_low" ? { minOnline: 1, minPercent: 50 } : {};
        const check = (value: number) => checkParams(kind, { ...others, [f.name]: value });
        expect(check(f.min!).ok, `${kind}.${f.name} = ${f.min}`).toBe(true);
        expect(check(f.max!).ok, `${kind}.${f.name} = ${f.max}`).toBe(true);
        expect(check(f.min! - 1).ok, `${kind}.${f.name} below`).toBe(false);
        expect(check(f.max! + 1).ok, `${kind}.${f.name} above`).toBe(false);
        if (f.integer) expect(check(f.min! + 0.5).ok, `${kind}.${f.name} fraction`).toBe(false);
      }
  });

  it("lists the options of list parameters and their defaults", () => {
    expect(paramFields.haproxy_server_status.fields).toMatchObject([
      { name: "statuses", type: "list", options: ["DOWN", "MAINT", "DRAIN", "NOLB"], default: ["DOWN"] },
    ]);
    expect(paramFields.task_paused.fields).toMatchObject([
      { name: "minutes", type: "number", integer: true, min: 1, max: 43200, default: 60 },
    ]);
    expect(paramFields.poll_cycle.fields[0]).toMatchObject({ name: "overdueFactor", integer: false, min: 1.5 });
    expect(paramFields.server_offline.fields).toEqual([]);
  });
});

describe("checkRule's fields", () => {
  it("name the field each problem concerns, for the form to show it under that input", () => {
    expect(checkRule("task_failed", { statuses: [], withinSeconds: 30, extra: 1 }, "all", null)).toEqual({
      ok: false,
      message:
        "statuses needs at least 1 entry; withinSeconds must be at least 60; extra is not a parameter of this kind (it takes statuses, withinSeconds)",
      fields: {
        "params.statuses": "statuses needs at least 1 entry",
        "params.withinSeconds": "withinSeconds must be at least 60",
        params: "extra is not a parameter of this kind (it takes statuses, withinSeconds)",
      },
    });
    expect(checkRule("group_online_low", {}, "all", null)).toMatchObject({
      fields: { params: "give minOnline, minPercent or both" },
    });
    // Two problems with one list read as one message under it.
    expect(checkRule("instance_status", { statuses: ["x", "y"] }, "all", null)).toMatchObject({
      fields: { "params.statuses": expect.stringMatching(/^each entry of statuses must be one of .*; each entry/) },
    });
    expect(checkRule("server_offline", {}, "server", null)).toMatchObject({
      fields: { scopeId: "scope server needs an id" },
    });
    expect(checkRule("poll_cycle", {}, "group", 1)).toMatchObject({ fields: { scopeKind: expect.any(String) } });
  });
});

describe("the form's values", () => {
  const fields = (kind: keyof typeof paramFields) => paramFields[kind].fields;
  it("start from the kind's defaults, read a saved rule back, and send numbers with empty ones left out", () => {
    expect(paramValues(fields("task_failed"))).toEqual({ statuses: ["failed", "interrupted"], withinSeconds: "86400" });
    expect(paramValues(fields("group_online_low"))).toEqual({ minOnline: "", minPercent: "" });
    expect(paramValues(fields("group_online_low"), { minOnline: 2 })).toEqual({ minOnline: "2", minPercent: "" });
    expect(paramsOf(fields("group_online_low"), { minOnline: " ", minPercent: "12.5" })).toEqual({ minPercent: 12.5 });
    expect(paramsOf(fields("haproxy_server_status"), { statuses: [] })).toEqual({ statuses: [] });
    // What the inputs send for a saved rule is what the rule has.
    const saved = checkParams("poll_cycle", { overdueFactor: 2.5 });
    if (!saved.ok) throw new Error("poll_cycle defaults refused");
    expect(paramsOf(fields("poll_cycle"), paramValues(fields("poll_cycle"), saved.params))).toEqual(saved.params);
  });
});
