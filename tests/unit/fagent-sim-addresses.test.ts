// The simulator's agent addresses (tools/fagent-sim/scenario.ts nthAddress): computed in closed
// form so a 20,000-agent fleet is not quadratic; the same as counting one address at a time,
// skipping .0 and .255, and never outside 127.0.0.0/8.
import { describe, expect, it } from "vitest";
import { nthAddress } from "@/tools/fagent-sim/scenario";

/** The definition: step one address at a time, counting only last octets 1..254. */
function counted(base: string, n: number): string {
  let value = base.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  for (let left = n; left > 0;) {
    value++;
    if (value % 256 !== 0 && value % 256 !== 255) left--;
  }
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

describe("nthAddress", () => {
  const bases = ["127.0.0.2", "127.0.160.2", "127.0.1.0", "127.0.1.255", "127.0.0.1", "127.0.0.254", "127.3.4.100"];
  const steps = [0, 1, 2, 252, 253, 254, 255, 256, 508, 509, 1000, 19_999];
  it.each(bases)("counts from %s as one address at a time would", (base) => {
    for (const n of steps) expect(nthAddress(base, n), `${base} + ${n}`).toBe(counted(base, n));
  });

  it("places 20,000 agents from 127.0.160.2 inside 127.0.0.0/8 and refuses to leave it", () => {
    expect(nthAddress("127.0.160.2", 19_999)).toBe("127.0.238.189");
    expect(() => nthAddress("127.255.255.250", 10)).toThrow(/leave 127\.0\.0\.0\/8/);
  });
});
