// Every procedure of the API, over the real HTTP route, with every kind of bad credential:
// none, a viewer's, an expired, a revoked and a disabled owner's token (401), and a token whose
// role is above its owner's (capped: 403 where the owner may not). The procedure list is read
// from the router, so a new procedure is covered the day it lands. Subscriptions are called as
// httpSubscriptionLink does (GET, server-sent events): their answer is always 200 and a refusal
// is the stream's first `serialized-error` event, whose code is checked instead of the status.
// Then every route file under app/api: each one is either answered 401 without a login or named
// here as public, with why.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import type { Action } from "@/server/auth/roles";
import { can } from "@/server/auth/roles";
import { appRouter } from "@/server/trpc/root";
import { createApiToken, revokeApiToken } from "@/server/users/api-tokens";
import { createUser, updateUser } from "@/server/users/users";

type AnyProcedure = { _def: { meta?: { action?: Action }; type: "query" | "mutation" | "subscription" } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).map(
  ([name, p]) => ({
    name,
    type: p._def.type,
    action: p._def.meta!.action!,
  }),
);

const httpStatus: Record<string, number> = { UNAUTHORIZED: 401, FORBIDDEN: 403 };

/** The status a query or mutation answers; for a subscription, that of its first error event's code (else 200). */
async function call(procedure: (typeof procedures)[number], token: string | null): Promise<{ status: number }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const url = `http://localhost/api/trpc/${procedure.name}`;
  // No input on purpose: credentials and roles are checked before input validation.
  const noInput = `${url}?input=${encodeURIComponent(JSON.stringify({ json: undefined }))}`;
  if (procedure.type === "query") return GET(new Request(noInput, { headers }));
  if (procedure.type === "mutation")
    return POST(new Request(url, { method: "POST", headers, body: JSON.stringify({ json: undefined }) }));
  const response = await GET(new Request(noInput, { headers }));
  if (response.status !== 200) return response;
  const code = await firstStreamError(response);
  return { status: code ? (httpStatus[code] ?? 400) : 200 };
}

/** The tRPC code of a server-sent event stream's first event if it is an error, else null; then stops reading. */
async function firstStreamError(response: Response): Promise<string | null> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    for (;;) {
      const end = text.indexOf("\n\n");
      if (end >= 0) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === "connected" || event === "ping") continue;
        if (event !== "serialized-error") return null;
        return (JSON.parse(data!) as { json: { data: { code: string } } }).json.data.code;
      }
      const { value, done } = await reader.read();
      if (done) return null;
      text += value;
    }
  } finally {
    await reader.cancel();
  }
}

const tokens: Record<string, string> = {};
beforeAll(async () => {
  const owner = await createUser({ login: "matrix-owner", password: "owner-password-1", role: "admin" });
  const viewer = await createUser({ login: "matrix-viewer", password: "viewer-password-1", role: "viewer" });
  const leaver = await createUser({ login: "matrix-leaver", password: "leaver-password-1", role: "admin" });
  tokens.expired = (
    await createApiToken({ name: "expired", role: "admin", ownerId: owner.id, expiresAt: new Date(Date.now() - 1000) })
  ).secret;
  const revoked = await createApiToken({ name: "revoked", role: "admin", ownerId: owner.id });
  await revokeApiToken(revoked.token.id);
  tokens.revoked = revoked.secret;
  tokens.disabledOwner = (await createApiToken({ name: "leaver's", role: "admin", ownerId: leaver.id })).secret;
  await updateUser(leaver.id, { disabled: true });
  tokens.viewerToken = (await createApiToken({ name: "viewer's", role: "viewer", ownerId: owner.id })).secret;
  // Made as admin while the owner was one; the owner is a viewer now.
  tokens.cappedByOwner = (await createApiToken({ name: "over the owner", role: "admin", ownerId: viewer.id })).secret;
});

describe("auth matrix over HTTP", () => {
  it("covers every procedure of the router", () => {
    expect(procedures.length).toBeGreaterThan(20);
    expect(procedures.filter((p) => p.type === "subscription").map((p) => p.name)).toEqual(
      expect.arrayContaining(["live.changes", "tasks.follow"]),
    );
  });

  for (const kind of [null, "expired", "revoked", "disabledOwner"] as const) {
    it.each(procedures.map((p) => [p.name, p]))(`%s: ${kind ?? "no login"} is 401`, async (_name, procedure) => {
      const response = await call(procedure, kind ? tokens[kind]! : null);
      expect(response.status).toBe(401);
    });
  }

  for (const kind of ["viewerToken", "cappedByOwner"] as const) {
    it.each(procedures.map((p) => [p.name, p]))(`%s: ${kind} acts as a viewer`, async (_name, procedure) => {
      const response = await call(procedure, tokens[kind]!);
      if (can("viewer", procedure.action)) expect([401, 403]).not.toContain(response.status);
      else expect(response.status).toBe(403);
    });
  }
});

describe("routes under app/api", () => {
  // Public on purpose. Everything else must refuse a caller without a login.
  const publicRoutes: Record<string, string> = {
    "auth/[...nextauth]": "next-auth's own endpoints: sign-in, CSRF token, the caller's session (empty without one)",
    health: "liveness for load balancers; says only whether the process and the database answer",
  };
  // Protected by their own credential instead of a login; each refuses a caller without it here.
  const ownCredential: Record<string, () => Promise<Response>> = {
    // Bearer AC_METRICS_TOKEN; 404 while no token is configured (tests/integration/metrics.test.ts).
    metrics: async () => (await import("@/app/api/metrics/route")).GET(new Request("http://ac.test/api/metrics")),
  };
  const routeDirs = (dir: string, base = ""): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      if (!entry.isDirectory()) return entry.name === "route.ts" ? [base.slice(1)] : [];
      return routeDirs(path.join(dir, entry.name), `${base}/${entry.name}`);
    });
  const routes = routeDirs(path.resolve(import.meta.dirname, "../../app/api"));

  // Protected outside tRPC: each answers 401 without credentials and 401 / 403 to every bad kind (below).
  const protectedRoutes: Record<string, () => Promise<{ GET: (req: Request) => Promise<Response> }>> = {
    "audit/export": () => import("@/app/api/audit/export/route"),
  };

  it("lists every route: the tRPC endpoint refuses (above), the rest is protected, has its own credential, or is public by design", async () => {
    expect(routes.length).toBeGreaterThanOrEqual(3);
    for (const route of routes) {
      if (route === "trpc/[trpc]" || route in protectedRoutes) continue;
      if (ownCredential[route]) {
        expect([401, 404], `app/api/${route} without its credential`).toContain((await ownCredential[route]()).status);
        continue;
      }
      expect(publicRoutes, `app/api/${route} is neither protected nor known to be public`).toHaveProperty([route]);
    }
  });

  it.each(Object.keys(protectedRoutes).map((r) => [r]))("app/api/%s refuses every bad credential", async (route) => {
    const { GET: get } = await protectedRoutes[route]!();
    const call = (token: string | null) =>
      get(new Request(`http://localhost/api/${route}`, token ? { headers: { authorization: `Bearer ${token}` } } : {}));
    expect((await call(null)).status).toBe(401);
    for (const kind of ["expired", "revoked", "disabledOwner"]) expect((await call(tokens[kind]!)).status).toBe(401);
    for (const kind of ["viewerToken", "cappedByOwner"]) expect((await call(tokens[kind]!)).status).toBe(403);
  });

  it("the health check answers without a login and without details of the caller or the database", async () => {
    const { GET: health } = await import("@/app/api/health/route");
    const response = await health();
    const body = await response.text();
    expect([200, 503]).toContain(response.status);
    expect(body).not.toMatch(/postgres(ql)?:\/\/|password/i);
  });
});
