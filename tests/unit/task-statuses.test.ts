// The task status sets the pages, the live feed, recovery and retention share (lib/tasks.ts):
// every status of the database's enum is open or finished, never both, so a status added later
// has to be placed (a paused task must neither be deleted by retention nor stop being followed).
import { describe, expect, it } from "vitest";
import { TaskStatus } from "@/server/generated/prisma/enums";
import { finishedTaskStatuses, openTaskStatuses, outOfPoolWords, taskOpen, taskRunning } from "@/lib/tasks";

describe("task statuses", () => {
  it("puts every status in exactly one of open and finished", () => {
    const open: string[] = [...openTaskStatuses];
    const finished: string[] = [...finishedTaskStatuses];
    expect([...open, ...finished].sort()).toEqual(Object.values(TaskStatus).sort());
    for (const status of Object.values(TaskStatus)) expect(taskOpen(status), status).toBe(open.includes(status));
  });

  it("counts a paused task open but not running: followed and cancellable, polled slowly", () => {
    expect(["pending", "running", "paused"].map(taskRunning)).toEqual([true, true, false]);
    expect(taskOpen("paused")).toBe(true);
    expect(taskOpen("cancelled")).toBe(false);
  });

  it("says what a stopped task left out, HAProxy and Eureka alike", () => {
    expect(outOfPoolWords(2, 1)).toBe("2 HAProxy servers out of the pool, 1 Eureka instance out of service");
    expect(outOfPoolWords(1, 0)).toBe("1 HAProxy server out of the pool");
    expect(outOfPoolWords(0, 3)).toBe("3 Eureka instances out of service");
  });
});
