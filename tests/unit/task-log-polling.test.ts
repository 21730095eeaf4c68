// The task page's fallback reader (components/tasks/task-log-polling.ts, used by use-task-feed.ts
// where the live stream cannot be had): when it reads the log next, and that it stops for good on
// UNAUTHORIZED, FORBIDDEN and NOT_FOUND instead of asking every 3 s forever. The same errors as the
// real API sends them: tests/integration/live.test.ts.
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { RETRY_MS, delayAfterError, delayAfterRead } from "@/components/tasks/task-log-polling";

/** A tRPC error as the client builds it from the server's answer (its `data.code`). */
const answered = (code: string) =>
  TRPCClientError.from({ error: { code: -32600, message: code, data: { code, httpStatus: 400 } } });

describe("the task page's fallback reader", () => {
  it("stops after UNAUTHORIZED, FORBIDDEN and NOT_FOUND", () => {
    for (const code of ["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND"]) expect(delayAfterError(answered(code))).toBeNull();
  });

  it("tries again after other failures: the server's, the network's, anything else", () => {
    for (const code of ["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TOO_MANY_REQUESTS", "BAD_REQUEST"])
      expect(delayAfterError(answered(code))).toBe(RETRY_MS);
    expect(delayAfterError(TRPCClientError.from(new TypeError("fetch failed")))).toBe(RETRY_MS);
    expect(delayAfterError(new Error("NOT_FOUND"))).toBe(RETRY_MS); // not a tRPC answer
  });

  it("reads on at once while the log has more, each second while the task runs, every 3 s while it waits, not after it ended", () => {
    const read = (nextOffset: number, length: number, status: string) =>
      delayAfterRead({ nextOffset, length, task: { status } });
    expect(read(10, 20, "succeeded")).toBe(0);
    expect(read(20, 20, "running")).toBe(1_000);
    expect(read(20, 20, "pending")).toBe(1_000);
    expect(read(20, 20, "paused")).toBe(RETRY_MS);
    for (const status of ["succeeded", "failed", "cancelled", "interrupted"]) expect(read(20, 20, status)).toBeNull();
  });
});
