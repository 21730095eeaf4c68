// Batched writes (docs/performance.md, "Batched writes"): the replies and failed polls of many
// servers go to the database in one transaction, yet one server's bad data touches no other
// server's rows. The bad data is real: a reply that passes the agent contract but that PostgreSQL
// refuses, here because this file's database carries a CHECK constraint the contract knows
// nothing about. Statements are counted at the pg driver (tools/bench/sql-counter.ts).
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseAppsReply, type WireApp } from "@/server/agent/contract";
import { db, dbPool, initDb } from "@/server/db";
import { pollServers } from "@/server/inventory/poll-cycle";
import type { PendingFailure, PendingReply } from "@/server/inventory/poll-batch-sql";
import type { Reconciliation } from "@/server/inventory/reconcile";
import { batchingWriter, writeBatch } from "@/server/inventory/poll-writer";
import { normalizeStatus } from "@/server/inventory/status";
import { startSimulator, type ScenarioInput } from "@/tools/fagent-sim";
import { sqlCounter } from "@/tools/bench/sql-counter";
import { resetDatabase } from "@/tests/setup/db-helpers";

const POISON = "9.9-refused";
const SERVERS = 8;
const BAD = 4; // the fourth server, in the middle: the first halving cannot leave it out by luck

const apps = (n: number, version: string): WireApp<"service">[] =>
  Array.from({ length: 3 }, (_, i) => ({ name: `svc${i}_${n}`, version, status: "running" }));

function pending(serverId: number, n: number, version: string, at = new Date()): PendingReply {
  const reply = parseAppsReply({ server: { "service-app": { applications: apps(n, version) } } });
  return {
    serverId,
    name: `s${n}`,
    apps: reply.apps,
    unreadable: [],
    normalize: (_, raw) => normalizeStatus(raw),
    fingerprint: `fp-${n}-${version}`,
    lastError: null,
    coercions: reply.coercions,
    checkedAt: at,
  };
}

const failed = (serverId: number, n: number, failure: PendingFailure["failure"], at = new Date()): PendingFailure => ({
  serverId,
  name: `s${n}`,
  failure,
  reason: failure === "offline" ? "connection refused" : "the reply is not JSON",
  checkedAt: at,
});

const counter = sqlCounter();
/** The statements the pool sent while `work` ran, by their first keyword. */
async function counted<T>(
  work: () => Promise<T>,
): Promise<{ result: T; verbs: Record<string, number>; total: number }> {
  counter.take();
  const result = await work();
  const { byVerb, statements } = counter.take();
  return { result, verbs: byVerb, total: statements };
}

let ids: number[] = [];
const snapshot = (serverId: number) =>
  Promise.all([
    db().server.findUniqueOrThrow({ where: { id: serverId } }),
    db().applicationInstance.findMany({ where: { serverId }, orderBy: { id: "asc" } }),
    db().event.findMany({ where: { serverId }, orderBy: { id: "asc" } }),
    db().applicationVersionHistory.findMany({ where: { serverName: `s${ids.indexOf(serverId) + 1}` } }),
  ]);

beforeAll(async () => {
  initDb(process.env.DATABASE_URL!, { Client: counter.Client });
  await dbPool().query(
    `ALTER TABLE application_instances ADD CONSTRAINT test_refused_version CHECK (version IS DISTINCT FROM '${POISON}')`,
  );
});

beforeEach(async () => {
  await resetDatabase();
  ids = [];
  for (let n = 1; n <= SERVERS; n++) {
    ids.push((await db().server.create({ data: { name: `s${n}`, ip: "127.0.91.1", port: 9000 + n } })).id);
  }
});

describe("a batch that PostgreSQL refuses because of one server's reply", () => {
  it("is written again without that server: every other server's reply lands, the bad one's rows stay as they were", async () => {
    const first = await writeBatch(ids.map((id, i) => pending(id, i + 1, "1.0")));
    expect([...first.values()].every((r) => !(r instanceof Error))).toBe(true);
    const before = await snapshot(ids[BAD - 1]!);

    // Every server moves to 2.0 (a version change each); the bad one's reply holds the refused value.
    const results = await writeBatch(ids.map((id, i) => pending(id, i + 1, i + 1 === BAD ? POISON : "2.0")));
    const failed = results.get(ids[BAD - 1]!);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error & { code?: string }).code).toBe("23514"); // check_violation
    for (const [i, id] of ids.entries()) {
      if (i + 1 === BAD) continue;
      expect((results.get(id) as Reconciliation).history).toHaveLength(3);
      const stored = await db().applicationInstance.findMany({ where: { serverId: id } });
      expect(stored.map((s) => s.version)).toEqual(["2.0", "2.0", "2.0"]);
      expect(await db().applicationVersionHistory.count({ where: { serverName: `s${i + 1}` } })).toBe(3);
    }
    expect(await snapshot(ids[BAD - 1]!)).toEqual(before);
  });

  it("in a poll cycle: the bad server alone fails with store_failed and a pointer to the log; the others are stored", async () => {
    const scenario: ScenarioInput = {
      mode: "address",
      baseAddress: "127.0.92.2",
      port: 0,
      agents: Array.from({ length: SERVERS }, (_, i) => ({
        name: `a${i + 1}`,
        apps: { service: apps(i + 1, i + 1 === BAD ? POISON : "1.0") },
      })),
    };
    const sim = await startSimulator({ scenario });
    try {
      await resetDatabase();
      for (const a of sim.agents) await db().server.create({ data: { name: a.name, ip: a.ip, port: a.port } });
      const agent = { timeoutMs: 2_000, maxResponseBytes: 256 * 1024, tokenHeader: "X-Agent-Token" };
      const { summary, outcomes } = await pollServers({}, { agent });
      expect(summary).toMatchObject({ servers: SERVERS, updated: SERVERS - 1, failures: 1 });
      expect(outcomes.filter((o) => o.result === "apps_failed")).toEqual([
        expect.objectContaining({ server: `a${BAD}`, errorKind: "store_failed" }),
      ]);
      const bad = await db().server.findUniqueOrThrow({ where: { name: `a${BAD}` }, include: { instances: true } });
      expect(bad).toMatchObject({ appsFingerprint: null, instances: [] });
      expect(bad.lastError).toMatch(/^could not store the agent's reply \(error id \w+/);
      expect(await db().event.count({ where: { serverId: bad.id } })).toBe(0);
      const good = await db().server.findMany({ where: { name: { not: `a${BAD}` } }, include: { instances: true } });
      for (const server of good) {
        expect(server).toMatchObject({ status: "online", lastError: null });
        expect(server.instances).toHaveLength(3);
      }
      expect(await db().event.count({ where: { eventType: "connect" } })).toBe(SERVERS - 1);
    } finally {
      await sim.stop();
    }
  });
});

describe("failed polls in the batches", () => {
  const eventsOf = (serverId: number) =>
    db().event.findMany({ where: { serverId, instanceId: null }, orderBy: { id: "asc" } });

  it("are written in the replies' transaction, by the rules of a failed poll alone, in a fixed number of statements", async () => {
    await writeBatch(ids.map((id, i) => pending(id, i + 1, "1.0")));
    const [s1, s2, s3, s4, s5, s6, s7, s8] = ids as [number, number, number, number, number, number, number, number];
    await db().server.updateMany({ where: { id: { in: [s5, s7] } }, data: { status: "offline" } });
    await db().server.updateMany({ where: { id: { in: [s4, s6] } }, data: { agentCoercions: { port: 2 } } });
    const untouched = await snapshot(s8);
    const eventsBefore = await db().event.count();
    const at = new Date(Date.UTC(2026, 11, 1, 12, 0, 0, 123));

    const { result, verbs, total } = await counted(() =>
      writeBatch([
        ...[s1, s2, s3].map((id, i) => pending(id, i + 1, "2.0", at)),
        failed(s4, 4, "offline", at), // was online: disconnect, instances no_data
        failed(s5, 5, "offline", at), // was offline already: no second disconnect
        failed(s6, 6, "apps_failed", at), // online, broken reply: the inventory stays
        failed(s7, 7, "apps_failed", at), // was offline, answers again (badly): connect
      ]),
    );
    // One transaction for seven servers: groups read, lock, stored rows of the three replies,
    // instances updated, no_data, history, events, servers. Alone, each failure took a transaction of 4–5.
    expect(verbs).toEqual({ SELECT: 3, BEGIN: 1, UPDATE: 3, INSERT: 2, COMMIT: 1 });
    expect(total).toBe(10);
    expect([s4, s5, s6, s7].map((id) => result.get(id))).toEqual([null, null, null, null]);
    for (const id of [s1, s2, s3]) expect((result.get(id) as Reconciliation).history).toHaveLength(3);

    for (const id of [s4, s5]) {
      const server = await db().server.findUniqueOrThrow({ where: { id }, include: { instances: true } });
      expect(server).toMatchObject({ status: "offline", lastError: "connection refused", appsFingerprint: null });
      expect(server.lastCheck).toEqual(at);
      expect(new Set(server.instances.map((i) => i.status))).toEqual(new Set(["no_data"]));
    }
    for (const id of [s6, s7]) {
      const server = await db().server.findUniqueOrThrow({ where: { id }, include: { instances: true } });
      expect(server).toMatchObject({ status: "online", lastError: "the reply is not JSON", appsFingerprint: null });
      expect(server.instances.map((i) => [i.status, i.version])).toEqual(Array(3).fill(["online", "1.0"]));
    }
    // A failed poll keeps the coercions of the last reply applied.
    for (const id of [s4, s6])
      expect((await db().server.findUniqueOrThrow({ where: { id } })).agentCoercions).toEqual({ port: 2 });
    expect((await eventsOf(s4)).map((e) => [e.eventType, e.description, e.timestamp])).toEqual([
      ["connect", "Agent of s4 is answering", expect.any(Date)],
      ["disconnect", "Agent of s4 does not answer: connection refused", at],
    ]);
    expect((await eventsOf(s5)).map((e) => e.eventType)).toEqual(["connect"]);
    expect((await eventsOf(s6)).map((e) => e.eventType)).toEqual(["connect"]);
    expect((await eventsOf(s7)).map((e) => e.eventType)).toEqual(["connect", "connect"]);
    // Three version changes' update events, a disconnect and a connect.
    expect((await db().event.count()) - eventsBefore).toBe(3 * 3 + 2);
    expect(await snapshot(s8)).toEqual(untouched);
  });

  it("that reach a cycle's writer together share its transactions: eight in two, not eight", async () => {
    const writer = batchingWriter();
    // The first starts a batch at once; the seven that arrive while it is written wait for the next.
    const { verbs, total } = await counted(() =>
      Promise.all(ids.map((id, i) => writer.failure(failed(id, i + 1, "offline")))),
    );
    expect(verbs).toEqual({ BEGIN: 2, SELECT: 2, UPDATE: 4, INSERT: 2, COMMIT: 2 });
    expect(total).toBe(12);
    const servers = await db().server.findMany({ where: { id: { in: ids } } });
    expect(servers.map((s) => s.status)).toEqual(Array(SERVERS).fill("offline"));
    expect(await db().event.count({ where: { eventType: "disconnect" } })).toBe(SERVERS);
  });

  it("are stored when a reply in their batch is refused: only the bad server fails", async () => {
    await writeBatch(ids.map((id, i) => pending(id, i + 1, "1.0")));
    const before = await snapshot(ids[BAD - 1]!);
    const results = await writeBatch(
      ids.map((id, i) =>
        i + 1 === BAD
          ? pending(id, i + 1, POISON)
          : i % 2 === 0
            ? failed(id, i + 1, "offline")
            : pending(id, i + 1, "2.0"),
      ),
    );
    expect((results.get(ids[BAD - 1]!) as Error & { code?: string }).code).toBe("23514");
    expect(await snapshot(ids[BAD - 1]!)).toEqual(before);
    for (const [i, id] of ids.entries()) {
      if (i + 1 === BAD) continue;
      const server = await db().server.findUniqueOrThrow({ where: { id }, include: { instances: true } });
      if (i % 2 === 0) {
        expect(results.get(id)).toBeNull();
        expect(server.status).toBe("offline");
        expect(new Set(server.instances.map((s) => s.status))).toEqual(new Set(["no_data"]));
      } else {
        expect(server.instances.map((s) => s.version)).toEqual(["2.0", "2.0", "2.0"]);
      }
    }
  });
});
