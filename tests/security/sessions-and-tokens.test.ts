// Sessions and API tokens follow their user's current state: a password change or a disabled
// account ends open sessions (also after the account is enabled again), a disabled user's tokens
// stop, and a token never does more than its owner may do now.
import { encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/trpc/[trpc]/route";
import { authOptions } from "@/server/auth/next-auth";
import { createApiToken } from "@/server/users/api-tokens";
import { createUser, resetPassword, updateUser } from "@/server/users/users";

// The installation's session secret, set before server/config.ts first reads the environment.
vi.hoisted(() => {
  process.env.AUTH_SECRET = "sessions-test-secret-sessions-test-secret";
});

const get = (procedure: string, headers: Record<string, string>) =>
  GET(
    new Request(`http://localhost/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, {
      headers,
    }),
  );

/** The session cookie next-auth would set for this user, signed with AC's secret. */
async function sessionCookie(user: { id: number; sessionVersion?: number }) {
  const jwt = (authOptions.callbacks!.jwt as (a: unknown) => Record<string, unknown>)({
    token: { sub: String(user.id) },
    user: { id: String(user.id), sessionVersion: user.sessionVersion ?? 0 },
  });
  const value = await encode({ token: jwt, secret: authOptions.secret! });
  return { cookie: `next-auth.session-token=${value}` };
}

describe("sessions", () => {
  it("end when the password is changed", async () => {
    const user = await createUser({ login: "changer", password: "first-password-1", role: "viewer" });
    const before = await sessionCookie(user);
    expect((await get("users.me", before)).status).toBe(200);
    await resetPassword(user.id, "second-password-2");
    expect((await get("users.me", before)).status).toBe(401);
    expect((await get("users.me", await sessionCookie({ id: user.id, sessionVersion: 1 }))).status).toBe(200);
  });

  it("end when the account is disabled, and stay ended when it is enabled again", async () => {
    const user = await createUser({ login: "leaver", password: "leaver-password-1", role: "operator" });
    const session = await sessionCookie(user);
    expect((await get("users.me", session)).status).toBe(200);
    await updateUser(user.id, { disabled: true });
    expect((await get("users.me", session)).status).toBe(401);
    await updateUser(user.id, { disabled: false });
    expect((await get("users.me", session)).status).toBe(401);
  });

  it("are refused when signed with another secret", async () => {
    const user = await createUser({ login: "forged", password: "forged-password-1", role: "admin" });
    const value = await encode({
      token: { sub: String(user.id), sv: 0 },
      secret: "not-the-secret-of-this-installation",
    });
    expect((await get("users.me", { cookie: `next-auth.session-token=${value}` })).status).toBe(401);
  });
});

describe("API tokens", () => {
  it("stop working when their owner is disabled", async () => {
    const owner = await createUser({ login: "token-owner", password: "owner-password-1", role: "admin" });
    const { secret } = await createApiToken({ name: "owned", role: "admin", ownerId: owner.id });
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await get("users.list", bearer)).status).toBe(200);
    await updateUser(owner.id, { disabled: true });
    expect((await get("users.list", bearer)).status).toBe(401);
  });

  it("never do more than their owner may do now", async () => {
    const owner = await createUser({ login: "demoted", password: "demoted-password-1", role: "admin" });
    const { secret } = await createApiToken({ name: "admin tool", role: "admin", ownerId: owner.id });
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await get("users.list", bearer)).status).toBe(200);
    await updateUser(owner.id, { role: "viewer" });
    expect((await get("users.list", bearer)).status).toBe(403);
    const me = (await (await get("users.me", bearer)).json()) as { result: { data: { json: { role: string } } } };
    expect(me.result.data.json.role).toBe("viewer");
  });
});
