// The audit log's own rules (docs/audit.md): what a change records (before → after, secrets
// redacted), logins and first token use from a new address, who reads which rows, keyset pages,
// the CSV export, and the table's append-only guard and retention.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as exportCsv } from "@/app/api/audit/export/route";
import { POST as trpcPost } from "@/app/api/trpc/[trpc]/route";
import { auditLoginAttempt } from "@/server/audit/auth-events";
import { REFUSAL_AUDIT } from "@/server/audit/refusals";
import { pruneAuditLog } from "@/server/audit/retention";
import { internalRequest, requestMeta } from "@/server/audit/request-meta";
import type { Actor } from "@/server/auth/actor";
import { authOptions } from "@/server/auth/next-auth";
import { trustedProxyMatcher } from "@/server/http/client-address";
import { createAcHttpServer } from "@/server/http/web-server";
import { db } from "@/server/db";
import { createContextInner } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import { createApiToken } from "@/server/users/api-tokens";
import { createUser } from "@/server/users/users";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, unknown> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

let admin: Actor, operator: Actor, otherOperator: Actor;
const as = (actor: Actor) => createCaller(createContextInner(actor, internalRequest()));

beforeAll(async () => {
  const make = async (login: string, role: "admin" | "operator"): Promise<Actor> => {
    const u = await createUser({ login, password: `${login}-password-1`, role });
    return { kind: "user", id: u.id, login, displayName: null, role };
  };
  admin = await make("alice", "admin");
  operator = await make("oscar", "operator");
  otherOperator = await make("olga", "operator");
});

// AC's web server in front of a handler, so requests carry a real client address.
const servers: { close: () => void }[] = [];
afterAll(() => servers.forEach((s) => s.close()));
async function acServer(
  handle: (headers: Record<string, unknown>, body: string) => Promise<unknown>,
  trustedProxies: string[] = [],
) {
  const server = createAcHttpServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const result = await handle({ ...req.headers }, body).then(
      (value) => ({ value }),
      (error: Error) => ({ error: error.message }),
    );
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
  }, trustedProxyMatcher(trustedProxies));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe("what a change records", () => {
  it("a server edit: the changed fields before → after, the agent token only as [redacted]", async () => {
    const server = await as(admin).servers.create({
      name: "web-1",
      ip: "10.0.0.1",
      port: 8080,
      agentToken: "s3cr3t-agent-token",
    });
    await as(admin).servers.update({ id: server!.id, port: 9090, agentToken: "an0ther-agent-token" });
    const rows = await db().auditEntry.findMany({
      where: { targetType: "server", targetId: String(server!.id) },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => r.action)).toEqual(["servers.create", "servers.update"]);
    expect(rows[1]).toMatchObject({
      actorName: "alice",
      outcome: "success",
      targetLabel: "web-1",
      changes: { port: { from: 8080, to: 9090 }, agentToken: { from: "[redacted]", to: "[redacted]" } },
    });
    expect(JSON.stringify(rows)).not.toMatch(/s3cr3t|an0ther/);
  });

  it("a password reset and a new token never store the password, the secret or a hash", async () => {
    const { id } = await as(admin).users.create({ login: "newbie", password: "first-password-1", role: "viewer" });
    await as(admin).users.resetPassword({ id, password: "second-password-2" });
    await as(admin).users.update({ id, role: "operator" });
    const token = await as(admin).apiTokens.create({ name: "deployer", role: "operator" });
    const rows = await db().auditEntry.findMany({
      where: { action: { startsWith: "users." } },
      orderBy: { id: "asc" },
    });
    expect(rows.map((r) => [r.action, r.targetLabel])).toEqual([
      ["users.create", "newbie"],
      ["users.resetPassword", "newbie"],
      ["users.update", "newbie"],
    ]);
    expect(rows[2]!.changes).toEqual({ role: { from: "viewer", to: "operator" } });
    const all = JSON.stringify(await db().auditEntry.findMany());
    expect(all).not.toContain("first-password-1");
    expect(all).not.toContain("second-password-2");
    expect(all).not.toContain(token.secret);
    expect(all).not.toMatch(/\$2[aby]\$/); // no bcrypt hash
  });
});

describe("logins and tokens", { timeout: 120_000 }, () => {
  it("writes one row per login: success, wrong password (with the name tried), unknown login", async () => {
    const url = await acServer((headers, body) => authorize(JSON.parse(body), { headers }));
    const post = (login: string, password: string) =>
      fetch(url, { method: "POST", headers: { "user-agent": "probe/1.0" }, body: JSON.stringify({ login, password }) });
    await post("oscar", "oscar-password-1");
    await post("oscar", "wrong-password");
    await post("x".repeat(300), "whatever-password");
    const rows = await db().auditEntry.findMany({ where: { action: "auth.login" }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.actorName.slice(0, 10), r.outcome, r.userId])).toEqual([
      ["oscar", "success", operator.id],
      ["oscar", "failure", operator.id],
      ["xxxxxxxxxx", "failure", null],
    ]);
    expect(rows[2]!.actorName.length).toBeLessThanOrEqual(100);
    expect(rows.every((r) => r.clientAddress === "127.0.0.1" && r.userAgent === "probe/1.0")).toBe(true);
    expect(JSON.stringify(rows)).not.toContain("password-1");
  });

  it("takes X-Request-Id only from a trusted proxy: any other caller's rows get a fresh id", async () => {
    const idOf = async (url: string) => {
      const reply = await fetch(url, { method: "POST", headers: { "x-request-id": "someone-elses-request" } });
      return ((await reply.json()) as { value: string }).value;
    };
    const handle = async (headers: Record<string, unknown>) => requestMeta(headers).requestId;
    expect(await idOf(await acServer(handle))).not.toBe("someone-elses-request");
    expect(await idOf(await acServer(handle, ["127.0.0.1"]))).toBe("someone-elses-request");
  });

  it("maps the SSO login seam's outcomes: wrong password a failure, policy and limits refusals", async () => {
    const attempts = [
      { source: "ldap", login: "lena", outcome: "success" },
      { source: "ldap", login: "lena", outcome: "refused", reason: "wrong-credentials" },
      { source: "oidc", login: "otto", outcome: "refused", reason: "no-mapped-group" },
      { source: "local", login: "oscar", outcome: "limited" },
      { source: "oidc", login: "?", outcome: "error", reason: "error id 3f2a" },
    ] as const;
    for (const a of attempts) await auditLoginAttempt(a);
    const rows = await db().auditEntry.findMany({
      where: { action: "auth.login", actorName: { in: ["lena", "otto", "?"] } },
      orderBy: { id: "asc" },
    });
    const limited = await db().auditEntry.findFirstOrThrow({
      where: { action: "auth.login", outcome: "refused", actorName: "oscar" },
    });
    expect(rows.map((r) => [r.actorName, r.outcome, r.error, (r.details as { source: string }).source])).toEqual([
      ["lena", "success", null, "ldap"],
      ["lena", "failure", "wrong login or password, or account disabled", "ldap"],
      ["otto", "refused", "no-mapped-group", "oidc"],
      ["?", "failure", "error id 3f2a", "oidc"],
    ]);
    expect(limited.error).toBe("too many failed attempts");
  });

  it("bounds the rows of attempts anyone can repeat at will: past the limits, OIDC callback errors", async () => {
    for (let i = 0; i < REFUSAL_AUDIT.rowsPerWindow + 5; i++) {
      // A new name each time, as a script would send: the cap is per client address.
      await auditLoginAttempt({
        source: "local",
        login: `spray${i}`,
        outcome: "limited",
        clientAddress: "203.0.113.7",
      });
      await auditLoginAttempt({ source: "oidc", login: "?", outcome: "error", reason: "OAUTH_CALLBACK_ERROR" });
    }
    await auditLoginAttempt({ source: "local", login: "spray-b", outcome: "limited", clientAddress: "203.0.113.8" });
    const count = (where: object) => db().auditEntry.count({ where: { action: "auth.login", ...where } });
    expect(await count({ clientAddress: "203.0.113.7" })).toBe(REFUSAL_AUDIT.rowsPerWindow);
    expect(await count({ error: "OAUTH_CALLBACK_ERROR" })).toBe(REFUSAL_AUDIT.rowsPerWindow);
    expect(await count({ clientAddress: "203.0.113.8" })).toBe(1); // another address has its own
  });

  it("audits a token's first use from an address once, not every call", async () => {
    const { secret, token } = await createApiToken({ name: "ci", role: "viewer", ownerId: otherOperator.id });
    const url = await acServer(async (headers) => {
      const request = new Request("http://localhost/api/trpc/users.setRefreshInterval", {
        method: "POST",
        headers: { ...(headers as Record<string, string>), "content-type": "application/json" },
        body: JSON.stringify({ json: { seconds: 5 } }),
      });
      return (await trpcPost(request)).status;
    });
    for (let i = 0; i < 3; i++) await fetch(url, { method: "POST", headers: { authorization: `Bearer ${secret}` } });
    const rows = await db().auditEntry.findMany({ where: { action: "auth.token_new_address" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorName: "token:ci", userId: otherOperator.id, targetId: String(token.id) });
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: token.id } })).seenAddresses).toEqual(["127.0.0.1"]);
  });
});

describe("reading the log", () => {
  it("an operator reads only their own rows; an admin all", async () => {
    await as(operator).users.setRefreshInterval({ seconds: 15 });
    await as(otherOperator).users.setRefreshInterval({ seconds: 30 });
    const mine = await as(operator).audit.list({});
    expect(mine.items.length).toBeGreaterThan(0);
    expect(new Set(mine.items.map((r) => r.actorName))).toEqual(new Set(["oscar"]));
    // A filter for someone else's rows finds nothing rather than their rows.
    expect((await as(operator).audit.list({ actor: "olga" })).items).toEqual([]);
    const everyone = new Set((await as(admin).audit.list({ pageSize: 200 })).items.map((r) => r.actorName));
    expect(everyone).toContain("olga");
    expect(everyone).toContain("oscar");
  });

  it("refuses a date PostgreSQL cannot compare (a far-off year) as the caller's mistake, naming the field", async () => {
    for (const filter of [{ from: new Date("-005000-01-01T00:00:00Z") }, { to: new Date("+020000-01-01T00:00:00Z") }]) {
      const refused = await as(admin)
        .audit.list(filter)
        .then(
          () => expect.fail("a far-off date was accepted"),
          (e: { code: string; message: string }) => e,
        );
      expect(refused.code).toBe("BAD_REQUEST");
      expect(refused.message).toMatch(/1970|10000/);
    }
  });

  it("keyset pages: forward and back, no row twice or missing", async () => {
    for (let i = 0; i < 7; i++) await as(admin).users.setRefreshInterval({ seconds: 5 });
    const filter = { action: "users.setRefreshInterval", actor: "alice", pageSize: 3 };
    const expected = (
      await db().auditEntry.findMany({
        where: { action: filter.action, actorName: "alice" },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      })
    ).map((r) => r.id);
    expect(expected).toHaveLength(7);
    const pages: number[][] = [];
    let page = await as(admin).audit.list(filter);
    pages.push(page.items.map((r) => r.id));
    expect(page.prevCursor).toBeNull();
    while (page.nextCursor) {
      page = await as(admin).audit.list({ ...filter, cursor: page.nextCursor });
      pages.push(page.items.map((r) => r.id));
    }
    expect(pages.flat()).toEqual(expected);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const back = await as(admin).audit.list({ ...filter, cursor: page.prevCursor! });
    expect(back.items.map((r) => r.id)).toEqual(pages[1]);
    const first = await as(admin).audit.list({ ...filter, cursor: back.prevCursor! });
    expect(first.items.map((r) => r.id)).toEqual(pages[0]);
    expect(first.prevCursor).toBeNull();
  });

  it("exports the filtered rows as CSV with formula cells defused and audits the export; refuses viewers and anonymous callers", async () => {
    // "@" and "-" start a formula in a spreadsheet; a login may begin with either.
    await as(admin).users.create({ login: "@cmd", password: "formula-password-1", role: "viewer" });
    const { secret } = await createApiToken({ name: "exporter", role: "admin", ownerId: admin.id });
    const response = await exportCsv(
      new Request("http://localhost/api/audit/export?action=users.create&targetType=user", {
        headers: { authorization: `Bearer ${secret}` },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines[0]).toMatch(/^"id","time_utc","actor_kind","actor","action"/);
    expect(lines.slice(1).every((l) => l.includes('"users.create"'))).toBe(true);
    const formula = lines.find((l) => l.includes("cmd"))!;
    expect(formula).toContain(`"'@cmd"`);
    expect(formula).not.toMatch(/(^|,)"[=+\-@]/);
    // The export itself is on record, with the filter it used.
    const exportRow = await db().auditEntry.findFirstOrThrow({ where: { action: "audit.export" } });
    expect(exportRow).toMatchObject({ actorName: "token:exporter", outcome: "success" });
    expect(exportRow.details).toMatchObject({ filter: { action: "users.create", targetType: "user" } });

    expect((await exportCsv(new Request("http://localhost/api/audit/export"))).status).toBe(401);
    const viewer = await createApiToken({ name: "peek", role: "viewer", ownerId: admin.id });
    const refused = await exportCsv(
      new Request("http://localhost/api/audit/export", { headers: { authorization: `Bearer ${viewer.secret}` } }),
    );
    expect(refused.status).toBe(403);
    // The refusal is on record too (capped per caller like every refused call).
    expect(
      await db().auditEntry.findFirst({
        where: { action: "audit.export", outcome: "refused", actorName: "token:peek" },
      }),
    ).toMatchObject({ error: expect.stringMatching(/operator role/) });
    const bad = await exportCsv(
      new Request("http://localhost/api/audit/export?outcome=maybe", {
        headers: { authorization: `Bearer ${secret}` },
      }),
    );
    expect(bad.status).toBe(400);
  });
});

describe("append-only", () => {
  it("refuses UPDATE and DELETE of a recent row, even by the app's own role", async () => {
    const row = await db().auditEntry.findFirstOrThrow();
    await expect(db().auditEntry.update({ where: { id: row.id }, data: { outcome: "failure" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db().auditEntry.delete({ where: { id: row.id } })).rejects.toThrow(/append-only/);
    await expect(db().$executeRawUnsafe("TRUNCATE audit_log")).rejects.toThrow(/append-only/);
    expect(await db().auditEntry.findUnique({ where: { id: row.id } })).toMatchObject({ outcome: row.outcome });
  });

  it("retention deletes only rows past AC_AUDIT_RETENTION_DAYS (365), in batches", async () => {
    const total = await db().auditEntry.count();
    const day = 86_400_000;
    // The rows of this file are minutes old: pruning "now" keeps them all ...
    expect(await pruneAuditLog(new Date(), { batchSize: 2 })).toEqual({ auditRowsDeleted: 0 });
    expect(await db().auditEntry.count()).toBe(total);
    // ... and 366 days from now every one of them is past retention.
    expect(await pruneAuditLog(new Date(Date.now() + 366 * day), { batchSize: 2 })).toEqual({
      auditRowsDeleted: total,
    });
    expect(await db().auditEntry.count()).toBe(0);
  });
});
