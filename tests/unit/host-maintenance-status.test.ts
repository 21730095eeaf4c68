// Host maintenance leaves alone a server someone else took out of the pool (docs/haproxy.md): HAProxy
// reports such states verbatim, with details after the word ("MAINT (via be/s)", "DRAIN (agent)").
import { expect, it } from "vitest";
import { isOutOfPool } from "@/lib/haproxy-status";

it.each([
  ["DRAIN", true],
  ["MAINT", true],
  ["MAINT (via be_web/web1)", true],
  ["MAINT (resolution)", true],
  ["DRAIN (agent)", true],
  ["UP", false],
  ["UP 1/3", false],
  ["DOWN", false],
  ["no check", false],
  ["MAINTENANCE", false],
  [null, false],
])("%s is out of the pool: %s", (status, out) => {
  expect(isOutOfPool(status)).toBe(out);
});
