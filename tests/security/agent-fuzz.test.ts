// Property tests over the agent contracts (docs/agent-contract.md, "Bounds"): no reply, however
// hostile, throws anything but a typed AgentError out of the decoder, and what it lets through is
// within the bounds; in a real poll cycle and HAProxy sync, a fuzzed agent changes nothing but its
// own server's (or instance's) rows and error field.
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AgentError, decodeReply } from "@/server/agent/client";
import { parseAppsReply } from "@/server/agent/contract";
import { parseBackendsReply, parseCommandReply, parseServersReply } from "@/server/agent/haproxy-contract";
import {
  isDotSegment,
  MAX_APPS_PER_REPLY,
  MAX_HAPROXY_BACKENDS,
  MAX_HAPROXY_SERVERS_PER_BACKEND,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
} from "@/server/agent/limits";
import { db } from "@/server/db";
import { resetBreaker } from "@/server/haproxy/breaker";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import { syncInstance } from "@/server/haproxy/sync";
import { pollServers } from "@/server/inventory/poll-cycle";
import { resetDatabase } from "@/tests/setup/db-helpers";
import {
  appsReply,
  backendsReply,
  commandReply,
  nearValidAppsReply,
  nearValidBackendsReply,
  nearValidServersReply,
  replyBytes,
  serversReply,
} from "./agent-arbitraries";
import { startHostileAgent, type HostileAgent } from "./hostile-agent";

const who = { ip: "127.0.69.1", port: 9100 };
/** What PostgreSQL stores as text and as JSON: no NUL, no lone surrogate. */
const storable = (v: string) =>
  !v.includes("\0") && !/[\uD800-\uDFFF]/.test(v.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""));
const okString = (v: unknown, max: number) => v === null || (typeof v === "string" && v.length <= max && storable(v));
const okName = (v: string) => v.length >= 1 && v.length <= MAX_NAME_LENGTH && storable(v) && !isDotSegment(v);

/** Runs the decoder: its result, or the AgentError it threw (anything else fails the property). */
function decode<T>(body: Buffer, parse: (json: unknown) => T, kinds: string[]): T | null {
  try {
    return decodeReply(body, who, parse);
  } catch (error) {
    if (!(error instanceof AgentError) || !kinds.includes(error.kind)) throw error;
    expect(storable(error.message)).toBe(true);
    expect(error.message.length).toBeLessThan(MAX_TEXT_LENGTH + 2000);
    return null;
  }
}

describe("decoding hostile replies", () => {
  it("apps: only invalid_json / invalid_reply errors; accepted entries within every bound", () => {
    fc.assert(
      fc.property(replyBytes(fc.oneof(appsReply, nearValidAppsReply)), (body) => {
        const reply = decode(body, parseAppsReply, ["invalid_json", "invalid_reply"]);
        if (!reply) return;
        expect(reply.apps.length + reply.rejected.length).toBeLessThanOrEqual(MAX_APPS_PER_REPLY);
        for (const app of reply.apps) {
          expect(okString(app.instanceName, MAX_NAME_LENGTH) && app.instanceName.length > 0).toBe(true);
          for (const [key, v] of Object.entries(app))
            if (typeof v === "string" && key !== "appType") expect(okString(v, MAX_TEXT_LENGTH)).toBe(true);
        }
        for (const r of reply.rejected) {
          expect(r.reason.length).toBeLessThan(1000);
          expect(r.name === null || r.name.length <= MAX_NAME_LENGTH).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("HAProxy: only invalid_json / invalid_reply / refused errors; names are bounded path segments", () => {
    const kinds = ["invalid_json", "invalid_reply", "refused"];
    fc.assert(
      fc.property(
        replyBytes(fc.oneof(backendsReply, nearValidBackendsReply)),
        replyBytes(fc.oneof(serversReply, nearValidServersReply)),
        replyBytes(commandReply),
        (backends, servers, command) => {
          const names = decode(backends, parseBackendsReply, kinds);
          if (names) {
            expect(names.length).toBeLessThanOrEqual(MAX_HAPROXY_BACKENDS);
            for (const name of names) expect(okName(name)).toBe(true);
          }
          const live = decode(servers, parseServersReply, kinds);
          if (live) {
            expect(live.length).toBeLessThanOrEqual(MAX_HAPROXY_SERVERS_PER_BACKEND);
            for (const s of live) {
              expect(okName(s.name)).toBe(true);
              expect(okString(s.address, MAX_NAME_LENGTH) && okString(s.status, MAX_NAME_LENGTH)).toBe(true);
              for (const n of [s.weight, s.currentSessions, s.maxSessions])
                expect(n === null || (Number.isSafeInteger(n) && n >= 0)).toBe(true);
            }
          }
          const message = decode(command, parseCommandReply, kinds);
          if (message !== null) expect(message.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH + 1);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("a fuzzed agent in a real poll cycle and sync", () => {
  let good: HostileAgent;
  let bad: HostileAgent;
  const agent = { timeoutMs: 2_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" };
  const goodApps = {
    server: {
      "docker-app": {
        applications: [
          { container_name: "web_1", image: "reg/web", tag: "1.0", version: "1.0", status: "running", port: 8080 },
        ],
      },
      "site-app": { applications: [{ name: "shop_1", path: "/srv/shop", version: "2.0", status: "active" }] },
    },
  };
  const goodServers = { success: true, servers: [{ name: "web1", address: "10.0.0.1:80", status: "UP", weight: 1 }] };

  beforeAll(async () => {
    [good, bad] = await Promise.all([startHostileAgent("127.0.69.2"), startHostileAgent("127.0.69.3")]);
    good.reply("/api/v1/apps", goodApps);
    good.reply("/api/haproxy/lb1/backends", { success: true, backends: ["web"] });
    good.reply("/api/haproxy/lb1/backends/web/servers", goodServers);
    setHaproxyOptions({ agent, retries: 0, sleep: async () => undefined });
  });
  afterAll(async () => {
    setHaproxyOptions(undefined);
    await Promise.all([good.stop(), bad.stop()]);
  });
  beforeEach(async () => {
    await resetDatabase();
    await resetBreaker();
  });

  /** Everything stored about one server: its row (but last_check), instances, events, HAProxy rows. */
  async function rowsOf(serverId: number) {
    const {
      lastCheck: _lastCheck,
      updatedAt: _updatedAt,
      ...server
    } = await db().server.findUniqueOrThrow({ where: { id: serverId } });
    return {
      server,
      instances: await db().applicationInstance.findMany({ where: { serverId }, orderBy: { id: "asc" } }),
      events: await db().event.findMany({ where: { serverId }, orderBy: { id: "asc" } }),
      haproxy: await db().hAProxyInstance.findMany({
        where: { serverId },
        include: { backends: { include: { servers: { include: { statusHistory: true } } } } },
      }),
    };
  }

  it("apps: the cycle completes, the fuzzed server holds its own error, the other server's rows are unchanged", async () => {
    const goodId = (await db().server.create({ data: { name: "good", ip: good.ip, port: good.port } })).id;
    const badId = (await db().server.create({ data: { name: "bad", ip: bad.ip, port: bad.port } })).id;
    await pollServers({ ids: [goodId] }, { agent });
    const before = await rowsOf(goodId);
    expect(before.instances).toHaveLength(2);
    await fc.assert(
      fc.asyncProperty(
        replyBytes(fc.oneof({ weight: 3, arbitrary: nearValidAppsReply }, { weight: 1, arbitrary: appsReply })),
        async (body) => {
          bad.reply("/api/v1/apps", { body });
          const { summary, outcomes } = await pollServers({ ids: [goodId, badId] }, { agent });
          expect(summary.servers).toBe(2);
          expect(outcomes.find((o) => o.serverId === goodId)).toMatchObject({ status: "online", error: null });
          const badOutcome = outcomes.find((o) => o.serverId === badId)!;
          expect(badOutcome.result).not.toBe("offline");
          if (badOutcome.result === "apps_failed") expect(badOutcome.error).not.toMatch(/could not store/);
          expect(await rowsOf(goodId)).toEqual(before);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("HAProxy: a fuzzed instance's sync fails or succeeds on its own; the other instance's rows are unchanged", async () => {
    const goodServer = await db().server.create({ data: { name: "good", ip: good.ip, port: good.port } });
    const badServer = await db().server.create({ data: { name: "bad", ip: bad.ip, port: bad.port } });
    const goodLb = (await db().hAProxyInstance.create({ data: { name: "lb1", serverId: goodServer.id } })).id;
    const badLb = (await db().hAProxyInstance.create({ data: { name: "lb1", serverId: badServer.id } })).id;
    expect(await syncInstance(goodLb)).toMatchObject({ ok: true });
    const before = await rowsOf(goodServer.id);
    await fc.assert(
      fc.asyncProperty(
        replyBytes(fc.oneof({ weight: 3, arbitrary: nearValidBackendsReply }, { weight: 1, arbitrary: backendsReply })),
        replyBytes(fc.oneof({ weight: 3, arbitrary: nearValidServersReply }, { weight: 1, arbitrary: serversReply })),
        async (backends, servers) => {
          bad.reply("/api/haproxy/lb1/backends", { body: backends });
          // Whatever backend names the fuzzed list holds, their servers read gets the fuzzed reply.
          const text = backends.toString("utf8");
          const listed = (() => {
            try {
              const json = JSON.parse(text) as { backends?: unknown };
              return Array.isArray(json.backends)
                ? json.backends.filter((b): b is string => typeof b === "string").slice(0, 8)
                : [];
            } catch {
              return [];
            }
          })();
          for (const b of listed) {
            if (!storable(b)) continue; // not a name that can be sent (the contract refuses it)
            bad.reply(`/api/haproxy/lb1/backends/${encodeURIComponent(b.trim())}/servers`, { body: servers });
          }
          const [goodOutcome, badOutcome] = await Promise.all([syncInstance(goodLb), syncInstance(badLb)]);
          await resetBreaker(); // the fuzzed instance's breaker must not make later runs vacuous
          expect(goodOutcome).toMatchObject({ ok: true });
          // A failure must be the agent's (its reply refused), never the database refusing what was let through.
          if (!badOutcome.ok)
            expect(badOutcome.error).not.toMatch(
              /prisma|out of range|invalid byte sequence|index row|unsupported unicode|violates/i,
            );
          const { server: _s, ...after } = await rowsOf(goodServer.id);
          const { server: _b, ...expected } = before;
          expect(after).toEqual({
            ...expected,
            // live_version counts the syncs (server/haproxy/live.ts), as last_sync_at dates them.
            haproxy: expected.haproxy.map((i) => ({
              ...i,
              lastSyncAt: expect.any(Date),
              updatedAt: expect.any(Date),
              liveVersion: expect.any(Number),
            })),
          });
        },
      ),
      { numRuns: 20 },
    );
  });
});
