// Times are stored as UTC whatever the database session's time zone (docs/architecture.md, "Data
// access": timestamps travel as ISO strings). This file's database runs in Europe/Berlin: SQL's
// now() written into a timestamp column lands an hour or two off, and a UTC time passed through
// timestamptz comes back shifted when it falls in Berlin's spring-forward gap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db, pgTransaction } from "@/server/db";
import { pollServer, pollTargetSelect } from "@/server/inventory/poll-server";
import { pollServers } from "@/server/inventory/poll-cycle";
import { touchUnchangedServers, writeStoreFailure } from "@/server/inventory/poll-store-sql";
import { writeConfirmedVersion } from "@/server/inventory/version-change-sql";
import { config } from "@/server/config";
import { databaseNow, renewedLeaseSql } from "@/server/tasks/runner-identity";
import { startSimulator, type ScenarioInput } from "@/tools/fagent-sim";

// Generous: a loaded machine can stall this process (and the simulated agent in it) past a tight timeout.
const agent = { timeoutMs: 10_000, maxResponseBytes: 256 * 1024, tokenHeader: "X-Agent-Token" };
const scenario: ScenarioInput = {
  mode: "address",
  baseAddress: "127.0.89.2",
  port: 0,
  agents: [{ name: "tokyo", apps: { service: [{ name: "shop_1", version: "1.0", status: "running" }] } }],
};

let sim: Awaited<ReturnType<typeof startSimulator>>;
const server = () => db().server.findUniqueOrThrow({ where: { name: "tokyo" } });
const poll = async () =>
  pollServer(await db().server.findUniqueOrThrow({ where: { name: "tokyo" }, select: pollTargetSelect }), { agent });

/** Runs `work` and returns the moments just before and after it, to bound what it wrote. */
async function during(work: () => Promise<unknown>) {
  const from = Date.now();
  await work();
  return { from, to: Date.now() };
}
// 1 ms either side: PostgreSQL rounds timestamp(3) to the nearest millisecond, Date.now() truncates,
// so a time the database wrote inside the span can read 1 ms past its end (seen on CI).
const within = (at: Date | null | undefined, span: { from: number; to: number }) => {
  expect(at, "a time was written").toBeInstanceOf(Date);
  expect(at!.getTime()).toBeGreaterThanOrEqual(span.from - 1);
  expect(at!.getTime()).toBeLessThanOrEqual(span.to + 1);
};

beforeAll(async () => {
  const [{ name }] = await db().$queryRaw<[{ name: string }]>`SELECT current_database() AS name`;
  await db().$executeRawUnsafe(`ALTER DATABASE "${name}" SET timezone = 'Europe/Berlin'`);
  await closeDb(); // new connections start in the database's time zone
  expect(await db().$queryRaw`SELECT current_setting('TimeZone') AS tz`).toEqual([{ tz: "Europe/Berlin" }]);
  sim = await startSimulator({ scenario });
  const [a] = sim.agents;
  await db().server.create({ data: { name: a!.name, ip: a!.ip, port: a!.port } });
});
afterAll(() => sim.stop());

describe("with the database in Europe/Berlin", () => {
  it("a first poll stores its times as UTC", async () => {
    const span = await during(poll);
    const s = await server();
    within(s.lastCheck, span);
    within(s.updatedAt, span);
    const shop = await db().applicationInstance.findFirstOrThrow({ where: { instanceName: "shop_1" } });
    within(shop.lastSeen, span);
    within((await db().event.findFirstOrThrow({ where: { eventType: "connect" } })).timestamp, span);
    const group = await db().applicationGroup.findUniqueOrThrow({
      where: { name: "shop" },
      include: { catalog: true },
    });
    for (const at of [group.createdAt, group.updatedAt, group.catalog!.createdAt, group.catalog!.updatedAt])
      within(at, span);
  });

  it("the batched touch of an unchanged reply stores last_check as UTC", async () => {
    await poll();
    const span = await during(() => pollServers({}, { agent }));
    expect(
      (await db().server.findFirstOrThrow({ where: { name: "tokyo" }, select: { appsFingerprint: true } }))
        .appsFingerprint,
    ).not.toBeNull();
    within((await server()).lastCheck, span);
  });

  it("the touch keeps a UTC time that is missing from Berlin's clock (02:30 on the spring-forward night)", async () => {
    const s = await server();
    const at = new Date("2026-03-29T02:30:00.000Z");
    expect(await touchUnchangedServers([{ id: s.id, at, fingerprint: s.appsFingerprint! }])).toEqual([]);
    expect((await server()).lastCheck).toEqual(at);
  });

  it("a version change seen by a poll stores changed_at as UTC", async () => {
    await poll();
    await sim.control.setApp("tokyo", "service", "shop_1", { version: "1.1" });
    const span = await during(poll);
    within((await db().applicationVersionHistory.findFirstOrThrow({ where: { newVersion: "1.1" } })).changedAt, span);
  });

  it("a store failure and an offline server store their times as UTC", async () => {
    const { id } = await server();
    let span = await during(() => writeStoreFailure(id, "test failure", new Date()));
    within((await server()).updatedAt, span);
    await sim.control.fault("tokyo", { fault: "down" });
    span = await during(poll);
    within((await server()).lastCheck, span);
    within((await db().event.findFirstOrThrow({ where: { eventType: "disconnect" } })).timestamp, span);
    await sim.control.fault("tokyo", { fault: "up" });
  });

  it("an update task's confirmed version stores its times as UTC, and claims a polling row written since the playbook began", async () => {
    const { id: serverId } = await server();
    const shop = await db().applicationInstance.findFirstOrThrow({ where: { instanceName: "shop_1" } });
    const task = await db().task.create({
      data: { kind: "update", target: {}, parameters: {}, createdBy: "test" },
      select: { id: true },
    });
    const confirmed = {
      instance: { id: shop.id, name: shop.instanceName, serverId, serverName: "tokyo" },
      reported: { version: "2.0", tag: null, image: null, distrPath: null, status: "online" as const },
      taskId: task.id,
      notes: "test task",
      target: "2.0",
    };
    const span = await during(() =>
      pgTransaction((tx) =>
        writeConfirmedVersion(tx, { ...confirmed, since: new Date(Date.now() - 60_000) }, new Date()),
      ),
    );
    const row = await db().applicationVersionHistory.findFirstOrThrow({ where: { taskId: task.id } });
    within(row.changedAt, span);
    within((await db().applicationInstance.findUniqueOrThrow({ where: { id: shop.id } })).lastSeen, span);
    within(
      (await db().event.findFirstOrThrow({ where: { eventType: "update", description: { contains: "test task" } } }))
        .timestamp,
      span,
    );

    // A poll recorded 2.1 a moment ago (UTC); the task that started a minute ago claims that row.
    await sim.control.setApp("tokyo", "service", "shop_1", { version: "2.1" });
    await poll();
    const since = new Date(Date.now() - 60_000);
    await pgTransaction((tx) =>
      writeConfirmedVersion(
        tx,
        { ...confirmed, target: "2.1", reported: { ...confirmed.reported, version: "2.1" }, since },
        new Date(),
      ),
    );
    expect(await db().applicationVersionHistory.findFirstOrThrow({ where: { newVersion: "2.1" } })).toMatchObject({
      changeSource: "update_task",
      taskId: task.id,
    });
  });

  it("a task's lease is written and read on the database's clock as UTC", async () => {
    const task = await db().task.create({
      data: { kind: "update", status: "running", target: {}, parameters: {}, createdBy: "test", runnerId: "r" },
    });
    const span = await during(
      () => db().$executeRaw`UPDATE tasks SET ${renewedLeaseSql()} WHERE id = ${task.id}::uuid`,
    );
    const { heartbeatAt, leaseExpiresAt } = await db().task.findUniqueOrThrow({ where: { id: task.id } });
    within(heartbeatAt, span);
    expect(leaseExpiresAt!.getTime() - heartbeatAt!.getTime()).toBeGreaterThanOrEqual(
      config().TASK_LEASE_SECONDS * 1000 - 1,
    );
    let now: Date | undefined;
    const read = await during(async () => (now = await databaseNow())); // the reaper's "now"
    within(now, read);
  });
});
