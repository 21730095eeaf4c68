// OIDC sign-in against a real OpenID Provider (the certified `oidc-provider` package,
// tools/sso-lab/oidc-provider.ts), started once for this file. A code flow with PKCE, state and
// nonce is driven without a browser (openid-client, as next-auth uses it); the tokens it yields go
// through AC's sign-in decision and the periodic re-check by refresh token (docs/authentication.md,
// "OIDC"). The browser path through next-auth is tests/e2e/sso-oidc.spec.ts.
import type { Account, Profile, User } from "next-auth";
import { generators, Issuer, type TokenSet } from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcProvider, type OidcLab } from "@/tools/sso-lab/oidc-provider";
import { userActor } from "@/server/auth/session";
import { oidcSignIn } from "@/server/auth/sso/oidc";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { createUser } from "@/server/users/users";

const REDIRECT_URI = "http://127.0.0.1:9/api/auth/callback/oidc"; // never called: the test reads the code
let lab: OidcLab;

beforeAll(async () => {
  lab = await startOidcProvider({
    redirectUris: [REDIRECT_URI],
    accounts: {
      alice: { password: "alice-idp-password", name: "Alice Admin", groups: ["ops-admins", "everyone"] },
      bob: { password: "bob-idp-password", groups: ["ops"] },
      dave: { password: "dave-idp-password", groups: ["sales"] },
      admin: { password: "admin-idp-password", groups: ["ops-admins"] },
    },
  });
  Object.assign(process.env, {
    AUTH_SECRET: "sso-oidc-test-secret-sso-oidc-test-secret",
    AC_OIDC_ISSUER: lab.issuer,
    AC_OIDC_CLIENT_ID: lab.clientId,
    AC_OIDC_CLIENT_SECRET: lab.clientSecret,
    AC_SSO_ROLE_MAP: "ops-admins=admin,ops=operator,everyone=viewer",
  });
  reloadConfig();
});

afterAll(async () => {
  await lab?.stop();
});

/** Logs in at the provider as a browser would (cookies, redirects, the login form) and redeems the code. */
async function codeFlow(login: string, password: string): Promise<TokenSet> {
  const issuer = await Issuer.discover(lab.issuer);
  const client = new issuer.Client({
    client_id: lab.clientId,
    client_secret: lab.clientSecret,
    redirect_uris: [REDIRECT_URI],
  });
  const verifier = generators.codeVerifier();
  const state = generators.state();
  const nonce = generators.nonce();
  const cookies = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(url, lab.issuer), {
      ...init,
      redirect: "manual",
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair!.indexOf("=");
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  };
  let response = await go(
    client.authorizationUrl({
      scope: "openid profile email",
      state,
      nonce,
      code_challenge: generators.codeChallenge(verifier),
      code_challenge_method: "S256",
    }),
  );
  const interaction = response.headers.get("location")!;
  expect(interaction).toMatch(/^\/interaction\//);
  response = await go(interaction, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ login, password }).toString(),
  });
  // Back to the authorization endpoint, which now redirects to AC's callback with the code.
  for (let hops = 0; hops < 5 && !response.headers.get("location")?.startsWith(REDIRECT_URI); hops++) {
    response = await go(response.headers.get("location")!);
  }
  const callback = response.headers.get("location")!;
  const params = client.callbackParams(callback);
  return client.callback(REDIRECT_URI, params, { code_verifier: verifier, state, nonce });
}

/** AC's sign-in decision for these tokens, as next-auth's callback calls it; returns the user object it fills in. */
async function signIn(tokens: TokenSet) {
  const user = { id: String(tokens.claims().sub) } as User & { sessionVersion?: number };
  const account = { provider: "oidc", type: "oauth", providerAccountId: user.id, ...tokens } as Account;
  const outcome = await oidcSignIn(user, account, tokens.claims() as Profile);
  return { outcome, user };
}

const makeCheckDue = (id: number) =>
  db().user.update({ where: { id }, data: { ssoCheckedAt: new Date(Date.now() - 24 * 3600_000) } });

describe("OIDC sign-in", () => {
  it("creates the account from the ID token with the mapped role, and finds it again by subject", async () => {
    const { outcome, user } = await signIn(await codeFlow("alice", "alice-idp-password"));
    expect(outcome).toBe(true);
    const row = await db().user.findUniqueOrThrow({ where: { id: Number(user.id) } });
    expect(row).toMatchObject({
      login: "alice",
      displayName: "Alice Admin",
      source: "oidc",
      role: "admin",
      externalId: "alice",
      ssoIssuer: lab.issuer,
    });
    expect(row.ssoGroups.sort()).toEqual(["everyone", "ops-admins"]);
    // The refresh token is stored sealed, never as issued.
    const stored = await db().user.findUniqueOrThrow({ where: { id: row.id }, select: { ssoRefreshToken: true } });
    expect(stored.ssoRefreshToken).toMatch(/^eyJ/);
    const again = await signIn(await codeFlow("alice", "alice-idp-password"));
    expect(again.user.id).toBe(user.id);
  });

  it("refuses a user in no mapped group, with the login page's message code", async () => {
    const { outcome } = await signIn(await codeFlow("dave", "dave-idp-password"));
    expect(outcome).toBe("/login?error=no-role");
    expect(await db().user.count({ where: { login: "dave" } })).toBe(0);
  });

  it("never links to a local account of the same name", async () => {
    const local = await createUser({ login: "admin", password: "local-admin-password", role: "viewer" });
    const { outcome } = await signIn(await codeFlow("admin", "admin-idp-password"));
    expect(outcome).toBe("/login?error=login-taken");
    expect(await db().user.findUniqueOrThrow({ where: { id: local.id } })).toMatchObject({
      source: "local",
      role: "viewer",
    });
  });
});

describe("the periodic re-check by refresh token", () => {
  it("follows the provider's groups, and ends the session when the provider drops the user", async () => {
    const { user } = await signIn(await codeFlow("bob", "bob-idp-password"));
    const id = Number(user.id);
    expect((await userActor(id, user.sessionVersion!))?.role).toBe("operator");

    lab.accounts.get("bob")!.groups = ["everyone"];
    expect((await userActor(id, user.sessionVersion!))?.role).toBe("operator"); // not due yet
    await makeCheckDue(id);
    expect((await userActor(id, user.sessionVersion!))?.role).toBe("viewer");

    lab.accounts.get("bob")!.groups = ["ops-admins"];
    await makeCheckDue(id);
    expect((await userActor(id, user.sessionVersion!))?.role).toBe("admin");

    lab.accounts.delete("bob");
    await makeCheckDue(id);
    expect(await userActor(id, user.sessionVersion!)).toBeNull();
    expect(await userActor(id, user.sessionVersion!)).toBeNull();
  });
});
