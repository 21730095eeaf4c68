// Behind a TLS proxy (AC_PUBLIC_URL=https://…) the session cookie is a `__Secure-` cookie with
// the Secure flag, so a browser never sends it over plain http; AC reads only that one.
import { encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/trpc/[trpc]/route";
import { authOptions } from "@/server/auth/next-auth";
import { createUser } from "@/server/users/users";

vi.hoisted(() => {
  process.env.AC_PUBLIC_URL = "https://ac.example.internal";
  process.env.AUTH_SECRET = "secure-cookies-test-secret-secure-cookies";
});

const me = (cookie: string) =>
  GET(
    new Request(`http://localhost/api/trpc/users.me?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, {
      headers: { cookie },
    }),
  );

describe("cookies behind https", () => {
  it("are Secure, and the session is read from the __Secure- cookie only", async () => {
    expect(authOptions.useSecureCookies).toBe(true);
    const user = await createUser({ login: "tls-user", password: "tls-password-1", role: "viewer" });
    const value = await encode({ token: { sub: String(user.id), sv: 0 }, secret: authOptions.secret! });
    expect((await me(`__Secure-next-auth.session-token=${value}`)).status).toBe(200);
    expect((await me(`next-auth.session-token=${value}`)).status).toBe(401);
  });
});
