// OIDC login through next-auth's OAuth support (docs/authentication.md, "OIDC"): a generic
// provider from AC_OIDC_* (discovery, authorization code with PKCE, state and nonce, the ID
// token's claims as the profile), and the sign-in decision — role from the groups claim, the
// account found by (issuer, subject) or created. The refresh token is kept, encrypted, for the
// periodic re-check (server/auth/sso/recheck.ts).
import type { Account, Profile, User } from "next-auth";
import { decode, encode } from "next-auth/jwt";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { Issuer, custom, errors as oidcErrors, type Client } from "openid-client";
import type { LoginRefusal } from "../../../lib/login-messages";
import { config, type Config } from "../../config";
import { logUnexpectedError } from "../../error-report";
import { signInSsoUser } from "../../users/sso-users";
import { recordLoginAttempt } from "../login-audit";
import { displayNameFromClaims, groupsFromClaims, loginFromClaims } from "./oidc-claims";
import { roleForGroups } from "./role-map";

export const OIDC_PROVIDER_ID = "oidc";
const HTTP_TIMEOUT_MS = 10_000;
/** A distinct key derivation from the session cookie's (next-auth/jwt's salt). */
const REFRESH_TOKEN_SALT = "ac-oidc-refresh-token";
const REFRESH_TOKEN_MAX_AGE = 90 * 24 * 60 * 60;

type Claims = Record<string, unknown> & { sub?: unknown };

export function oidcProvider(c: Config): OAuthConfig<Claims> | null {
  if (!c.AC_OIDC_ISSUER) return null;
  return {
    id: OIDC_PROVIDER_ID,
    name: c.AC_OIDC_NAME,
    type: "oauth",
    wellKnown: `${c.AC_OIDC_ISSUER}/.well-known/openid-configuration`,
    issuer: c.AC_OIDC_ISSUER,
    clientId: c.AC_OIDC_CLIENT_ID,
    clientSecret: c.AC_OIDC_CLIENT_SECRET,
    authorization: { params: { scope: c.AC_OIDC_SCOPES } },
    checks: ["pkce", "state", "nonce"],
    // The groups come from the ID token (Entra ID puts them there, not in userinfo).
    idToken: true,
    httpOptions: { timeout: HTTP_TIMEOUT_MS },
    profile: (claims) => ({ id: String(claims.sub), name: displayNameFromClaims(claims) }),
  };
}

/**
 * next-auth's signIn callback for the OIDC provider: true with `user.id` set to the AC account, or
 * the login page's address with the refusal's code. Every outcome is recorded (recordLoginAttempt).
 */
export async function oidcSignIn(
  user: User,
  account: Account | null,
  profile: Profile | undefined,
): Promise<true | string> {
  const c = config();
  const claims = (profile ?? {}) as Claims;
  const login = loginFromClaims(claims, c.AC_OIDC_LOGIN_CLAIM);
  const refuse = async (refusal: LoginRefusal, outcome: "refused" | "error" = "refused", reason: string = refusal) => {
    await recordLoginAttempt({ source: "oidc", login: login ?? String(claims.sub ?? "?"), outcome, reason });
    return `/login?error=${refusal}`;
  };
  try {
    if (!login) return refuse("bad-login-name");
    const grant = roleForGroups(c.AC_SSO_ROLE_MAP, groupsFromClaims(claims, c.AC_OIDC_GROUPS_CLAIM));
    if (!grant) return refuse("no-role");
    const identity = {
      source: "oidc" as const,
      issuer: c.AC_OIDC_ISSUER!,
      externalId: String(claims.sub),
      login,
      displayName: displayNameFromClaims(claims),
    };
    const refreshToken = account?.refresh_token ? await sealRefreshToken(account.refresh_token) : null;
    const result = await signInSsoUser(identity, grant, { refreshToken });
    if (result.kind !== "ok") return refuse(result.kind === "disabled" ? "account-disabled" : "login-taken");
    // next-auth builds the session from this same object: it now names the AC account.
    Object.assign(user, { id: String(result.user.id), sessionVersion: result.user.sessionVersion });
    await recordLoginAttempt({ source: "oidc", login, outcome: "success", userId: result.user.id });
    return true;
  } catch (error) {
    return refuse("sso-failed", "error", `error id ${logUnexpectedError("oidc sign-in", error)}`);
  }
}

async function sealRefreshToken(token: string): Promise<string | null> {
  const secret = config().AUTH_SECRET;
  if (!secret) return null;
  return encode({ token: { rt: token }, secret, salt: REFRESH_TOKEN_SALT, maxAge: REFRESH_TOKEN_MAX_AGE });
}

async function openRefreshToken(sealed: string): Promise<string | null> {
  const secret = config().AUTH_SECRET;
  if (!secret) return null;
  try {
    const payload = await decode({ token: sealed, secret, salt: REFRESH_TOKEN_SALT });
    return typeof payload?.rt === "string" ? payload.rt : null;
  } catch {
    return null; // expired, or sealed under another AUTH_SECRET
  }
}

// The discovered client, made once per issuer and client id (discovery is a network round trip).
let client: { key: string; made: Promise<Client> } | undefined;
function oidcClient(c: Config): Promise<Client> {
  const key = `${c.AC_OIDC_ISSUER} ${c.AC_OIDC_CLIENT_ID}`;
  if (client?.key !== key) client = { key, made: discover(c) };
  return client.made;
}

function discover(c: Config): Promise<Client> {
  return Issuer.discover(c.AC_OIDC_ISSUER!)
    .then((issuer) => {
      const made = new issuer.Client({ client_id: c.AC_OIDC_CLIENT_ID!, client_secret: c.AC_OIDC_CLIENT_SECRET! });
      made[custom.http_options] = () => ({ timeout: HTTP_TIMEOUT_MS });
      return made;
    })
    .catch((error: unknown) => {
      client = undefined; // try discovery again next time
      throw error;
    });
}

/**
 * The user's groups now, from a refresh-token grant (a new ID token): null when the provider
 * refuses the grant (user disabled, session revoked), there is no refresh token, or the subject
 * differs. Throws when the provider cannot be reached.
 */
export async function oidcGroupsNow(
  sealedRefreshToken: string | null,
  subject: string | null,
): Promise<{ groups: string[]; refreshToken: string | null } | null> {
  const c = config();
  const refreshToken = sealedRefreshToken ? await openRefreshToken(sealedRefreshToken) : null;
  if (!refreshToken || !c.AC_OIDC_ISSUER) return null;
  const oidc = await oidcClient(c);
  let tokens;
  try {
    tokens = await oidc.refresh(refreshToken);
  } catch (error) {
    if (error instanceof oidcErrors.OPError || error instanceof oidcErrors.RPError) return null;
    throw error;
  }
  const claims: Claims = tokens.id_token ? tokens.claims() : await oidc.userinfo(tokens);
  if (String(claims.sub) !== subject) return null;
  const next = tokens.refresh_token ? await sealRefreshToken(tokens.refresh_token) : sealedRefreshToken;
  return { groups: groupsFromClaims(claims, c.AC_OIDC_GROUPS_CLAIM), refreshToken: next };
}
