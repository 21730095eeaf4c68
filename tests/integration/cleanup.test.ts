import { describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { cleanupOldRecords } from "@/server/jobs/cleanup";

const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);

describe("daily cleanup (CLEAN_EVENTS_OLDER_THAN = CLEAN_TASKS_OLDER_THAN = 30 days)", () => {
  it("deletes events and finished tasks past retention, and nothing else", async () => {
    const now = new Date("2026-11-22T12:00:00Z");
    await db().event.createMany({
      data: [
        { timestamp: daysAgo(now, 31), eventType: "connect", description: "old" },
        { timestamp: daysAgo(now, 29), eventType: "connect", description: "recent" },
      ],
    });
    const task = (status: "succeeded" | "failed" | "running" | "pending", finishedDaysAgo: number | null) => ({
      kind: "update",
      status,
      target: {},
      parameters: {},
      createdBy: "t",
      finishedAt: finishedDaysAgo === null ? null : daysAgo(now, finishedDaysAgo),
    });
    await db().task.createMany({
      data: [
        task("succeeded", 40),
        task("failed", 31),
        task("succeeded", 10),
        task("running", null),
        task("pending", null),
      ],
    });

    expect(await cleanupOldRecords(now)).toMatchObject({ eventsDeleted: 1, tasksDeleted: 2 });
    expect((await db().event.findMany()).map((e) => e.description)).toEqual(["recent"]);
    expect((await db().task.findMany({ orderBy: { status: "asc" } })).map((t) => t.status).sort()).toEqual([
      "pending",
      "running",
      "succeeded",
    ]);
  });
});
