// The cleanup job against real PostgreSQL (docs/operations.md, "Retention"): each table's rule
// deletes only rows past its retention, in batches that are each one short statement and
// transaction, and a backlog larger than a run is taken over several runs.
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { config } from "@/server/config";
import { db } from "@/server/db";
import { batchKeys, cleanupOldRecords } from "@/server/jobs/cleanup";
import { retentionRules } from "@/server/jobs/retention";
import { resetDatabase } from "@/tests/setup/db-helpers";

const now = new Date("2026-11-22T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const limits = { batchSize: 1000, maxBatches: 10 };

beforeEach(() => resetDatabase());

describe("one rule per table that grows", () => {
  const c = config();
  // The next test puts rows just past and just inside each of these (docs/operations.md, "Retention").
  it("uses the documented defaults", () => {
    expect(c).toMatchObject({
      CLEAN_EVENTS_OLDER_THAN: 30,
      CLEAN_TASKS_OLDER_THAN: 30,
      CLEAN_VERSION_HISTORY_OLDER_THAN: 730,
      CLEAN_HAPROXY_STATUS_HISTORY_OLDER_THAN: 90,
      CLEAN_HAPROXY_REMOVED_OLDER_THAN: 30,
      CLEAN_API_TOKENS_OLDER_THAN: 90,
    });
  });

  it("deletes the rows past retention and nothing else", async () => {
    await db().event.createMany({
      data: [
        { timestamp: daysAgo(31), eventType: "connect", description: "old" },
        { timestamp: daysAgo(29), eventType: "connect", description: "recent" },
      ],
    });
    const task = (
      status: "succeeded" | "failed" | "running" | "pending" | "paused",
      finishedDaysAgo: number | null,
    ) => ({
      kind: "update",
      status,
      createdAt: daysAgo(90),
      target: {},
      parameters: {},
      createdBy: "t",
      log: "a long log",
      finishedAt: finishedDaysAgo === null ? null : daysAgo(finishedDaysAgo),
    });
    await db().task.createMany({
      data: [
        task("succeeded", 40),
        task("failed", 31),
        task("succeeded", 10),
        task("running", null),
        task("pending", null),
        // Paused for months, waiting for Continue: not finished, never deleted (docs/operations.md).
        task("paused", null),
      ],
    });
    const oldTask = await db().task.findFirstOrThrow({ where: { status: "failed" } });
    const history = (changedAt: Date, notes: string, taskId: string | null = null) => ({
      serverName: "s1",
      instanceName: "app",
      changedAt,
      changedBy: "agent" as const,
      changeSource: "polling" as const,
      notes,
      taskId,
    });
    await db().applicationVersionHistory.createMany({
      data: [history(daysAgo(731), "old"), history(daysAgo(729), "recent", oldTask.id)],
    });

    const server = await db().server.create({ data: { name: "lb", ip: "127.0.0.1", port: 1 } });
    const instance = await db().hAProxyInstance.create({ data: { name: "lb1", serverId: server.id } });
    const backend = (name: string, removedAt: Date | null) =>
      db().hAProxyBackend.create({ data: { haproxyInstanceId: instance.id, backendName: name, removedAt } });
    const live = await backend("live", null);
    await backend("gone-long-ago", daysAgo(31));
    await backend("gone-lately", daysAgo(29));
    const hServer = (name: string, removedAt: Date | null) =>
      db().hAProxyServer.create({ data: { backendId: live.id, serverName: name, removedAt } });
    const kept = await hServer("up", null);
    await hServer("gone-long-ago", daysAgo(31));
    await hServer("gone-lately", daysAgo(29));
    await db().hAProxyServerStatusHistory.createMany({
      data: [
        { haproxyServerId: kept.id, newStatus: "old", changedAt: daysAgo(91) },
        { haproxyServerId: kept.id, newStatus: "recent", changedAt: daysAgo(89) },
      ],
    });

    const token = (name: string, dates: { revokedAt?: Date; expiresAt?: Date }) => ({
      name,
      tokenHash: name,
      prefix: name,
      role: "viewer" as const,
      ...dates,
    });
    await db().apiToken.createMany({
      data: [
        token("revoked-long-ago", { revokedAt: daysAgo(91) }),
        token("expired-long-ago", { expiresAt: daysAgo(91) }),
        token("revoked-lately", { revokedAt: daysAgo(89) }),
        token("valid", { expiresAt: daysAgo(-10) }),
        token("forever", {}),
      ],
    });
    await db().loginLimit.createMany({
      data: [
        { key: "login_ua:expired", points: 1, expire: BigInt(now.getTime() - 1) },
        { key: "login_ua:counting", points: 1, expire: BigInt(now.getTime() + 60_000) },
      ],
    });

    expect(await cleanupOldRecords(now, limits)).toEqual({
      deleted: {
        events: 1,
        tasks: 2,
        application_version_history: 1,
        haproxy_server_status_history: 1,
        haproxy_servers: 1,
        haproxy_backends: 1,
        api_tokens: 2,
        login_limits: 1,
      },
      unfinished: [],
    });
    expect((await db().event.findMany()).map((e) => e.description)).toEqual(["recent"]);
    expect((await db().task.findMany()).map((t) => t.status).sort()).toEqual([
      "paused",
      "pending",
      "running",
      "succeeded",
    ]);
    // The history row of a deleted task stays, without the link.
    expect(await db().applicationVersionHistory.findMany({ select: { notes: true, taskId: true } })).toEqual([
      { notes: "recent", taskId: null },
    ]);
    expect((await db().hAProxyServerStatusHistory.findMany()).map((h) => h.newStatus)).toEqual(["recent"]);
    expect((await db().hAProxyBackend.findMany({ orderBy: { id: "asc" } })).map((b) => b.backendName)).toEqual([
      "live",
      "gone-lately",
    ]);
    expect((await db().hAProxyServer.findMany({ orderBy: { id: "asc" } })).map((s) => s.serverName)).toEqual([
      "up",
      "gone-lately",
    ]);
    expect((await db().apiToken.findMany({ orderBy: { id: "asc" } })).map((t) => t.name)).toEqual([
      "revoked-lately",
      "valid",
      "forever",
    ]);
    expect((await db().loginLimit.findMany()).map((l) => l.key)).toEqual(["login_ua:counting"]);

    // A second run finds nothing more.
    expect(await cleanupOldRecords(now, limits)).toEqual({ deleted: {}, unfinished: [] });
  });
});

describe("indexes", () => {
  // api_tokens: written by admins and tools, a few rows a day; a scan of it costs nothing.
  const unindexed = ["api_tokens"];
  it.each(retentionRules.filter((rule) => !unindexed.includes(rule.table)).map((rule) => [rule.table, rule] as const))(
    "a batch of %s is found through an index, not by reading the whole table",
    async (_table, rule) => {
      // Other plans priced out, so the plan says what the indexes allow whatever the
      // (here: empty) table's statistics: PostgreSQL still scans or sorts when nothing else serves.
      const [, , , plan] = await db().$transaction([
        db().$executeRaw`SET LOCAL enable_seqscan = off`,
        db().$executeRaw`SET LOCAL enable_bitmapscan = off`,
        db().$executeRaw`SET LOCAL enable_sort = off`,
        db().$queryRaw<{ "QUERY PLAN": unknown }[]>`EXPLAIN (FORMAT JSON) ${batchKeys(rule, now, 1000)}`,
      ]);
      // An index in the batch's order stops after the batch's rows; a sort reads every match.
      const text = JSON.stringify(plan).replace(/\\"/g, '"').replace(/\s/g, "");
      expect(text).not.toContain('"NodeType":"SeqScan"');
      expect(text).not.toContain('"NodeType":"Sort"');
      expect(text).toContain('"IndexCond"');
    },
  );
});

describe("bounded batches", () => {
  // A statement-level trigger records every DELETE on events: how many rows, in which transaction.
  let observer: pg.Client;
  beforeAll(async () => {
    observer = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await observer.connect();
  });
  afterAll(() => observer.end());
  beforeEach(async () => {
    await observer.query(`
      CREATE TABLE IF NOT EXISTS test_deletes (rows int, tx bigint);
      CREATE OR REPLACE FUNCTION test_count_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO test_deletes SELECT count(*), txid_current() FROM gone; RETURN NULL; END $$;
      CREATE OR REPLACE TRIGGER test_count_deletes AFTER DELETE ON events
        REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION test_count_deletes();`);
  });
  const statements = async () =>
    (await observer.query<{ rows: number; tx: string }>("SELECT rows, tx FROM test_deletes")).rows;

  const oldEvents = (count: number, description = "old") =>
    db().event.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        timestamp: new Date(daysAgo(60).getTime() + i * 1000),
        eventType: "connect" as const,
        description,
      })),
    });

  it("a backlog larger than a run is deleted over several runs, a few rows per statement and transaction", async () => {
    await oldEvents(25);
    await db().event.create({ data: { timestamp: daysAgo(1), eventType: "connect", description: "recent" } });
    const small = { batchSize: 4, maxBatches: 3 };
    const events = retentionRules.filter((rule) => rule.table === "events");

    // One run: three batches of four, oldest first, and it says the table is not done.
    expect(await cleanupOldRecords(now, small, events)).toEqual({ deleted: { events: 12 }, unfinished: ["events"] });
    const remaining = await db().event.findMany({ orderBy: { timestamp: "asc" }, select: { timestamp: true } });
    expect(remaining).toHaveLength(14);
    expect(remaining[0]!.timestamp).toEqual(new Date(daysAgo(60).getTime() + 12_000));

    expect(await cleanupOldRecords(now, small, events)).toEqual({ deleted: { events: 12 }, unfinished: ["events"] });
    // The last old row comes back in a short batch: the run ends, finished.
    expect(await cleanupOldRecords(now, small, events)).toEqual({ deleted: { events: 1 }, unfinished: [] });
    expect((await db().event.findMany()).map((e) => e.description)).toEqual(["recent"]);

    const seen = await statements();
    expect(seen.map((s) => s.rows)).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect(new Set(seen.map((s) => s.tx)).size).toBe(seen.length);
  });

  it("two replicas running it at once skip each other's rows and together delete each row once", async () => {
    await oldEvents(40);
    const small = { batchSize: 5, maxBatches: 100 };
    const [a, b] = await Promise.all([cleanupOldRecords(now, small), cleanupOldRecords(now, small)]);
    expect((a.deleted.events ?? 0) + (b.deleted.events ?? 0)).toBe(40);
    expect(await db().event.count()).toBe(0);
    expect((await statements()).every((s) => s.rows <= 5)).toBe(true);
  });
});
