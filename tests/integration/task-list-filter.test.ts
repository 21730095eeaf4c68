// The tasks list's "started by" filter names one login, in any case: LIKE wildcards typed into it
// are matched literally (Prisma runs an insensitive `equals` as ILIKE; server/like-pattern.ts).
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db";
import { listTasks, taskListInput } from "@/server/tasks/queries";
import { resetDatabase } from "@/tests/setup/db-helpers";

beforeEach(async () => {
  await resetDatabase();
  await db().task.createMany({
    data: ["olga", "oleg_b", "olegxb", "token:deployer"].map((createdBy) => ({
      kind: "update",
      status: "succeeded",
      target: { groupId: null, instanceIds: [] },
      parameters: {},
      createdBy,
    })),
  });
});

const startedBy = async (createdBy: string) =>
  (await listTasks(taskListInput.parse({ createdBy }))).items.map((t) => t.createdBy).sort();

describe("tasks list filtered by who started them", () => {
  it("matches one login whatever its case", async () => {
    expect(await startedBy("OLGA")).toEqual(["olga"]);
    expect(await startedBy("oleg_b")).toEqual(["oleg_b"]); // not "olegxb"
  });

  it("takes % and _ literally", async () => {
    expect(await startedBy("%")).toEqual([]);
    expect(await startedBy("ol%")).toEqual([]);
    expect(await startedBy("olega_")).toEqual([]);
  });
});
