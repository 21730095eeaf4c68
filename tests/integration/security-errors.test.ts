// What an unexpected failure, a curious viewer or an oversized request gets back from AC: an
// error id instead of a raw message (docs/operations.md, "Errors and logs"), a bounded batch and
// body (docs/api.md, "Limits"), a bounded number of refusal rows per caller (docs/haproxy.md, "Commands").
// Through the real route handlers, against this file's own database.
import net from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import { TRPC_MAX_BATCH } from "@/lib/trpc-limits";
import { authOptions } from "@/server/auth/next-auth";
import { reloadConfig } from "@/server/config";
import { closeDb, db } from "@/server/db";
import { REFUSAL_AUDIT, recordRefusal } from "@/server/audit/refusals";
import { syncInstance } from "@/server/haproxy/sync";
import { recordJobRun } from "@/server/jobs/job-runs";
import { pollServer, pollTargetSelect } from "@/server/inventory/poll-server";
import { createApiToken } from "@/server/users/api-tokens";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { startSimulator } from "@/tools/fagent-sim";
import { callers, errorOf } from "./inventory-fixtures";

const trpc = (method: "GET" | "POST", path: string, token: string, body?: string) => {
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const url = `http://localhost/api/trpc/${path}`;
  return method === "GET" ? GET(new Request(url, { headers })) : POST(new Request(url, { method, headers, body }));
};

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `body` with AC's database URL pointing at a closed port (and a password, which no log line may show). */
async function withUnreachableDatabase(body: () => Promise<void>) {
  const realUrl = process.env.DATABASE_URL!;
  process.env.DATABASE_URL = `postgresql://ac:hunter2-pw@127.0.0.1:${await closedPort()}/ac`;
  reloadConfig();
  await closeDb();
  try {
    await body();
    expect(logged.join("\n")).not.toContain("hunter2-pw");
  } finally {
    process.env.DATABASE_URL = realUrl;
    reloadConfig();
    await closeDb();
  }
}

let logged: string[] = [];
beforeEach(async () => {
  await resetDatabase();
  logged = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
});
afterEach(() => vi.restoreAllMocks());

describe("unexpected errors: an id for the client, the details in the log", () => {
  it("/api/health with an unreachable database answers 503 with an error id only", async () => {
    await withUnreachableDatabase(async () => {
      const response = await health();
      expect(response.status).toBe(503);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toEqual({
        status: "error",
        error: "database unavailable",
        errorId: expect.stringMatching(/^[0-9a-f]{12}$/),
      });
      const line = logged.find((l) => l.includes(`error ${String(body.errorId)}`));
      expect(line).toMatch(/Can't reach database server at 127\.0\.0\.1/); // the operator sees why
    });
    expect((await (await health()).json()) as unknown).toEqual({ status: "ok" });
  });

  it("a login during a database outage tells the browser an error id, not the database's message", async () => {
    // next-auth puts what authorize throws into the redirect URL it answers with.
    const { authorize } = (
      authOptions.providers[0] as unknown as { options: { authorize: (c: unknown, r: unknown) => Promise<unknown> } }
    ).options;
    await withUnreachableDatabase(async () => {
      const error = (await authorize({ login: "admin", password: "whatever-pw" }, { headers: {} }).catch(
        (e: unknown) => e,
      )) as Error;
      expect(error.message).toMatch(/^Something went wrong on the server \(error id ([0-9a-f]{12})\)/);
      const id = /error id ([0-9a-f]{12})/.exec(error.message)![1]!;
      // The login limiter (pg pool) or Prisma meets the outage first: either way the cause is logged.
      expect(logged.find((l) => l.includes(`error ${id} in login`))).toMatch(
        /Can't reach database server|ECONNREFUSED/,
      );
    });
  });

  it("a poll whose reply cannot be stored shows viewers an error id on the server, not the database's message", async () => {
    const sim = await startSimulator({
      scenario: {
        baseAddress: "127.0.91.2",
        port: 0,
        agents: [{ name: "store-fails", apps: { site: [{ name: "portal_1", version: "1.0" }] } }],
      },
    });
    try {
      const agent = sim.agents[0]!;
      const server = await db().server.create({
        data: { name: agent.name, ip: agent.ip, port: agent.port },
        select: pollTargetSelect,
      });
      await db().$executeRawUnsafe("ALTER TABLE application_catalog RENAME TO catalog_away");
      const outcome = await pollServer(server, {
        agent: { timeoutMs: 2_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" },
      }).finally(() => db().$executeRawUnsafe("ALTER TABLE catalog_away RENAME TO application_catalog"));
      const { lastError } = await db().server.findUniqueOrThrow({ where: { id: server.id } });
      expect(lastError).toMatch(
        /^could not store the agent's reply \(error id [0-9a-f]{12}; the details are in AC's log\)$/,
      );
      expect(outcome.error).toBe(lastError);
      expect(logged.find((l) => l.includes(`in poll store-fails`))).toMatch(/application_catalog/);
    } finally {
      await sim.stop();
    }
  });

  it("a HAProxy sync whose result cannot be stored shows an error id as the instance's last error", async () => {
    const backends = [
      {
        name: "be_web",
        servers: [
          { name: "web1", address: "10.0.0.1:80", status: "UP", weight: 1, current_sessions: 0, max_sessions: null },
        ],
      },
    ];
    const sim = await startSimulator({
      scenario: {
        baseAddress: "127.0.91.10",
        port: 0,
        agents: [{ name: "lb-host", haproxy: [{ name: "lb1", backends }] }],
      },
    });
    try {
      const agent = sim.agents[0]!;
      const server = await db().server.create({ data: { name: agent.name, ip: agent.ip, port: agent.port } });
      const instance = await db().hAProxyInstance.create({ data: { name: "lb1", serverId: server.id } });
      await db().$executeRawUnsafe("ALTER TABLE haproxy_servers RENAME TO haproxy_servers_away");
      await syncInstance(instance.id).finally(() =>
        db().$executeRawUnsafe("ALTER TABLE haproxy_servers_away RENAME TO haproxy_servers"),
      );
      const { lastSyncError } = await db().hAProxyInstance.findUniqueOrThrow({ where: { id: instance.id } });
      expect(lastSyncError).toMatch(/^internal error \(error id ([0-9a-f]{12}); the details are in AC's log\)$/);
      const id = /error id ([0-9a-f]{12})/.exec(lastSyncError!)![1]!;
      expect(logged.find((l) => l.includes(`error ${id} in haproxy sync of lb-host/lb1`))).toMatch(/haproxy_servers/);
    } finally {
      await sim.stop();
    }
  });

  it("a failed scheduled job shows the dashboard an error id, not the error's message", async () => {
    await expect(
      recordJobRun("poll-agents", () => Promise.reject(new Error('relation "servers" does not exist'))),
    ).rejects.toThrow();
    const { lastError } = await db().jobRun.findUniqueOrThrow({ where: { name: "poll-agents" } });
    expect(lastError).toMatch(/^internal error \(error id [0-9a-f]{12}; the details are in AC's log\)$/);
    expect(logged.join("\n")).toContain('relation "servers" does not exist');
  });

  it("a procedure failing unexpectedly answers 500 with an id, no database message and no stack", async () => {
    const { secret } = await createApiToken({ name: "reader", role: "viewer" });
    await db().$executeRawUnsafe("ALTER TABLE events RENAME TO events_away"); // this file's own database
    const response = await trpc(
      "GET",
      "events.list?input=" + encodeURIComponent(JSON.stringify({ json: {} })),
      secret,
    ).finally(() => db().$executeRawUnsafe("ALTER TABLE events_away RENAME TO events"));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/does not exist|public\.events|at .*\.ts/);
    const error = (
      JSON.parse(text) as { error: { json: { message: string; data: { errorId: string; stack?: string } } } }
    ).error.json;
    expect(error.message).toBe(
      `Something went wrong on the server (error id ${error.data.errorId}); the details are in AC's log.`,
    );
    expect(error.data.stack).toBeUndefined();
    expect(logged.find((l) => l.includes(`error ${error.data.errorId} in tRPC events.list`))).toMatch(/events/);
  });
});

describe("bounded work per request and per caller", () => {
  it(`refuses a batch of more than ${TRPC_MAX_BATCH} calls with 400 and a message naming the limit`, async () => {
    const { secret } = await createApiToken({ name: "reader", role: "viewer" });
    const batch = (n: number) => {
      const input = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: null }]));
      return trpc(
        "GET",
        `${Array(n).fill("system.overview").join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
        secret,
      );
    };
    expect((await batch(TRPC_MAX_BATCH)).status).toBe(200);
    const refused = await batch(TRPC_MAX_BATCH + 1);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(`A request may batch at most ${TRPC_MAX_BATCH} calls`);
  });

  it("refuses a request body over 1 MiB with 413 before reading more of it", async () => {
    const { secret } = await createApiToken({ name: "reader", role: "viewer" });
    const huge = JSON.stringify({ json: { seconds: 60, padding: "x".repeat(1024 * 1024) } });
    expect((await trpc("POST", "users.setRefreshInterval", secret, huge)).status).toBe(413);
    expect(
      (await trpc("POST", "users.setRefreshInterval", secret, JSON.stringify({ json: { seconds: 60 } }))).status,
    ).toBe(200);
  });

  it("audits a viewer's refused commands one by one only up to the limit per window (the log cannot be flooded)", async () => {
    const as = await callers();
    const refusals = REFUSAL_AUDIT.rowsPerWindow + 15;
    // In parallel, as one batch would: the limit holds across concurrent refusals too.
    const codes = await Promise.all(
      Array.from(
        { length: refusals },
        async () => (await errorOf(as.viewer.haproxy.command({ haproxyServerId: 7, command: "drain" }))).code,
      ),
    );
    expect(new Set(codes)).toEqual(new Set(["FORBIDDEN"]));
    const refused = { actorName: "test-viewer", outcome: "refused" } as const;
    const rows = await db().auditEntry.findMany({ where: refused, orderBy: { id: "asc" } });
    expect(rows).toHaveLength(REFUSAL_AUDIT.rowsPerWindow);
    expect(
      rows.every((r) => r.action === "haproxy.command" && r.targetType === "haproxy_server" && r.targetId === "7"),
    ).toBe(true);
    expect(rows[0]!.error).toBe("This needs the operator role; you are viewer");

    // Another caller has its own allowance; a new window starts new rows.
    await errorOf(as.token.haproxy.command({ haproxyServerId: 7, command: "ready" }));
    expect(await db().auditEntry.count({ where: { actorName: "token:t", outcome: "refused" } })).toBe(1);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + REFUSAL_AUDIT.windowMs + 1000 });
    try {
      await errorOf(as.viewer.haproxy.command({ haproxyServerId: 7, command: "maint" }));
    } finally {
      vi.useRealTimers();
    }
    expect(await db().auditEntry.count({ where: refused })).toBe(REFUSAL_AUDIT.rowsPerWindow + 1);
  });

  it("keeps recording a caller's refusals of other actions after one action's rows are used up, up to a caller's total", async () => {
    const as = await callers();
    for (let i = 0; i < REFUSAL_AUDIT.rowsPerWindow + 2; i++)
      await errorOf(as.viewer.haproxy.command({ haproxyServerId: 7, command: "drain" }));
    // The refusal the harmless ones were meant to hide is on record.
    await errorOf(as.viewer.users.create({ login: "mallory2", password: "long enough pass", role: "admin" }));
    const refused = { actorName: "test-viewer", outcome: "refused" } as const;
    expect(await db().auditEntry.count({ where: { ...refused, action: "users.create" } })).toBe(1);

    // Past the caller's total, nothing more is written: the log still cannot be flooded.
    const actor = { kind: "user", id: null, name: "test-viewer", userId: null } as const;
    for (let i = 0; i < REFUSAL_AUDIT.rowsPerCallerWindow; i++)
      await recordRefusal({ actor, action: `probe.${i % 20}`, outcome: "refused", error: "no" });
    expect(await db().auditEntry.count({ where: refused })).toBe(REFUSAL_AUDIT.rowsPerCallerWindow);
  });
});
