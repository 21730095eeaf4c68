// Batched writes (docs/performance.md, "Batched writes"): the replies of many servers go to the
// database in one transaction, yet one server's bad data touches no other server's rows. The bad
// data is real: a reply that passes the agent contract but that PostgreSQL refuses, here because
// this file's database carries a CHECK constraint the contract knows nothing about.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseAppsReply, type WireApp } from "@/server/agent/contract";
import { db, dbPool } from "@/server/db";
import { pollServers } from "@/server/inventory/poll-cycle";
import type { PendingReply } from "@/server/inventory/poll-batch-sql";
import type { Reconciliation } from "@/server/inventory/reconcile";
import { writeBatch } from "@/server/inventory/poll-writer";
import { normalizeStatus } from "@/server/inventory/status";
import { startSimulator, type ScenarioInput } from "@/tools/fagent-sim";
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

let ids: number[] = [];
const snapshot = (serverId: number) =>
  Promise.all([
    db().server.findUniqueOrThrow({ where: { id: serverId } }),
    db().applicationInstance.findMany({ where: { serverId }, orderBy: { id: "asc" } }),
    db().event.findMany({ where: { serverId }, orderBy: { id: "asc" } }),
    db().applicationVersionHistory.findMany({ where: { serverName: `s${ids.indexOf(serverId) + 1}` } }),
  ]);

beforeAll(async () => {
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
