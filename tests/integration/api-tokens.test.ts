// Internal tools call the HTTP endpoint with `Authorization: Bearer <token>`; the same role
// checks apply as for users. Exercised through the real route handler of app/api/trpc.
import { describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/trpc/[trpc]/route";
import { db } from "@/server/db";
import { createApiToken, revokeApiToken } from "@/server/users/api-tokens";

const call = (method: "GET" | "POST", path: string, token: string | null, input: unknown = {}) => {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const url = `http://localhost/api/trpc/${path}`;
  const request =
    method === "GET"
      ? new Request(`${url}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers })
      : new Request(url, { method, headers, body: JSON.stringify({ json: input }) });
  return (method === "GET" ? GET : POST)(request);
};

describe("API tokens over HTTP", () => {
  it("lets a viewer token read and refuses it admin work with 403", async () => {
    const { secret } = await createApiToken({ name: "reader", role: "viewer" });
    const overview = await call("GET", "system.overview", secret);
    expect(overview.status).toBe(200);
    const body = (await overview.json()) as { result: { data: { json: { servers: unknown } } } };
    expect(body.result.data.json.servers).toEqual({});
    const refused = await call("GET", "users.list", secret);
    expect(refused.status).toBe(403);
  });

  it("lets an admin token do admin work and records when it was last used", async () => {
    const { secret, token } = await createApiToken({ name: "provisioner", role: "admin" });
    const created = await call("POST", "users.create", secret, {
      login: "made-by-token",
      password: "long-enough-pw",
      role: "viewer",
    });
    expect(created.status).toBe(200);
    expect(await db().user.count({ where: { login: "made-by-token" } })).toBe(1);
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).not.toBeNull();
  });

  it("refuses unknown, revoked and expired tokens with 401 and never stores the secret", async () => {
    const { secret, token } = await createApiToken({ name: "short-lived", role: "admin" });
    expect((await call("GET", "system.overview", "ac_not-a-real-token")).status).toBe(401);
    await revokeApiToken(token.id);
    expect((await call("GET", "system.overview", secret)).status).toBe(401);
    const expired = await createApiToken({ name: "expired", role: "admin", expiresAt: new Date(Date.now() - 1000) });
    expect((await call("GET", "system.overview", expired.secret)).status).toBe(401);
    const stored = await db().apiToken.findMany({ omit: { tokenHash: false } });
    for (const row of stored) expect(row.tokenHash).not.toContain(secret);
    expect(JSON.stringify(stored)).not.toContain(secret);
  });
});
