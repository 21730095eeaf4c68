import { describe, expect, it } from "vitest";
import { makeBatches } from "@/server/tasks/batches";

const at = (name: string, number: number, server: string) => ({ name, number, server: { name: server } });
const fleet = [
  at("shop_2", 2, "srv-b"),
  at("shop_1", 1, "srv-b"),
  at("shop_1", 1, "srv-a"),
  at("shop_2", 2, "srv-a"),
  at("shop_3", 3, "srv-c"),
];
const names = (batches: ReturnType<typeof makeBatches>) =>
  batches.map((b) => b.map((i) => `${i.server.name}/${i.name}`));

describe("batch strategies", () => {
  it("one_at_a_time: one instance per batch, by server then number", () => {
    expect(names(makeBatches(fleet, "one_at_a_time", null))).toEqual([
      ["srv-a/shop_1"],
      ["srv-a/shop_2"],
      ["srv-b/shop_1"],
      ["srv-b/shop_2"],
      ["srv-c/shop_3"],
    ]);
  });

  it("by_server: every chosen instance of one server together", () => {
    expect(names(makeBatches(fleet, "by_server", null))).toEqual([
      ["srv-a/shop_1", "srv-a/shop_2"],
      ["srv-b/shop_1", "srv-b/shop_2"],
      ["srv-c/shop_3"],
    ]);
  });

  it("fixed_size: batches of N, the last one smaller; no size means one", () => {
    expect(names(makeBatches(fleet, "fixed_size", 2))).toEqual([
      ["srv-a/shop_1", "srv-a/shop_2"],
      ["srv-b/shop_1", "srv-b/shop_2"],
      ["srv-c/shop_3"],
    ]);
    expect(makeBatches(fleet, "fixed_size", null)).toHaveLength(5);
  });

  it("by_instance_number: all number 1 first, then all number 2", () => {
    expect(names(makeBatches(fleet, "by_instance_number", null))).toEqual([
      ["srv-a/shop_1", "srv-b/shop_1"],
      ["srv-a/shop_2", "srv-b/shop_2"],
      ["srv-c/shop_3"],
    ]);
  });

  it("all_at_once: one batch; no instances: no batches", () => {
    expect(makeBatches(fleet, "all_at_once", null)).toHaveLength(1);
    expect(makeBatches([], "all_at_once", null)).toEqual([]);
  });
});
