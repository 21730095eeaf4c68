// When a scheduled poll cycle stops starting polls and stops waiting (server/jobs/poll-job.ts):
// a poll started in time always ends before the cycle stops waiting, so the next cycle never
// asks an agent that is still answering this one.
import { describe, expect, it } from "vitest";
import { cycleDeadlines } from "@/server/jobs/poll-job";

describe("cycleDeadlines", () => {
  it("uses the whole interval when it is long: polls start until the last in-flight bound", () => {
    // CONNECTION_TIMEOUT 5: a poll (ping + apps) takes at most 11 s.
    expect(cycleDeadlines(0, 60, 5)).toEqual({ pollUntil: 49_000, waitUntil: 60_000 });
  });

  it("waits past a short interval for polls started in its first half", () => {
    expect(cycleDeadlines(1_000, 5, 5)).toEqual({ pollUntil: 3_500, waitUntil: 14_500 });
  });

  it("always leaves a started poll its whole time bound", () => {
    for (const interval of [1, 4, 10, 22, 23, 60, 3600])
      for (const timeout of [1, 5, 30]) {
        const { pollUntil, waitUntil } = cycleDeadlines(0, interval, timeout);
        expect(waitUntil - pollUntil).toBe((2 * timeout + 1) * 1000);
        expect(pollUntil).toBeGreaterThanOrEqual((interval * 1000) / 2);
        expect(waitUntil).toBeGreaterThanOrEqual(interval * 1000);
      }
  });
});
