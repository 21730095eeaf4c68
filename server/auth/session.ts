// Turns a request's credentials into an Actor: a bearer API token, or the next-auth session.
// Both are checked against the user's current state on every request (docs/security.md):
// a session ends when its user is disabled or their password changes (the session version in the
// JWT no longer matches); a token stops with its owner's account and never exceeds the owner's role.
import { getServerSession } from "next-auth";
import { getToken } from "next-auth/jwt";
import { auditTokenAddress } from "../audit/auth-events";
import type { RequestMeta } from "../audit/request-meta";
import { apiTokenForSecret, recordApiTokenUse } from "../users/api-tokens";
import { sessionUser } from "../users/users";
import type { Actor } from "./actor";
import { authOptions, type SessionClaims } from "./next-auth";
import { lowerRole } from "./roles";
import { recheckSsoUser } from "./sso/recheck";

/** The logged-in user of the current request (server components, route handlers), or null. */
export async function sessionActor(): Promise<Actor | null> {
  const claims = (await getServerSession(authOptions))?.user as SessionClaims | undefined;
  const id = Number(claims?.id);
  return Number.isInteger(id) ? userActor(id, claims?.sessionVersion ?? -1) : null;
}

/**
 * The user as an actor while the account is enabled and the session's version is current; a
 * single sign-on account's groups are re-read every AC_SSO_RECHECK_MINUTES (sso/recheck.ts).
 */
export async function userActor(id: number, sessionVersion: number): Promise<Actor | null> {
  const found = await sessionUser(id);
  if (!found || found.disabled || found.sessionVersion !== sessionVersion) return null;
  const user = await recheckSsoUser(found);
  if (!user) return null;
  return { kind: "user", id: user.id, login: user.login, displayName: user.displayName, role: user.role };
}

/**
 * The actor for a bearer secret, or null when it is unknown, revoked, expired or its owner disabled.
 * With the request: its first use from a new client address is audited (docs/audit.md).
 */
export async function tokenActor(secret: string, now = new Date(), request?: RequestMeta): Promise<Actor | null> {
  const token = await apiTokenForSecret(secret);
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null;
  if (token.owner?.disabled) return null;
  // An SSO owner's groups are re-checked for token use too: a token stops with its owner's access.
  const owner = token.owner && (await recheckSsoUser(token.owner, now));
  if (token.owner && !owner) return null;
  await recordApiTokenUse(token, now);
  if (request)
    await auditTokenAddress(token, request).catch((error: unknown) =>
      console.error(`[ac] audit: token ${token.id} from a new address could not be written: ${String(error)}`),
    );
  const role = owner ? lowerRole(token.role, owner.role) : token.role;
  return { kind: "token", id: token.id, name: token.name, role, ownerId: token.ownerId };
}

/** The caller of an API request: `Authorization: Bearer <token>` first, then the session cookie. */
export async function requestActor(headers: Headers, request?: RequestMeta): Promise<Actor | null> {
  const auth = headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return tokenActor(auth.slice(7).trim(), new Date(), request);
  // The session read from this request's own cookies (not next/headers' request scope).
  const cookies = new Map<string, string>();
  for (const pair of (headers.get("cookie") ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  const jwt = await getToken({
    req: { headers: {}, cookies } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: authOptions.secret,
    ...(authOptions.useSecureCookies === undefined ? {} : { secureCookie: authOptions.useSecureCookies }),
  });
  const id = Number(jwt?.sub);
  return Number.isInteger(id) ? userActor(id, typeof jwt?.sv === "number" ? jwt.sv : -1) : null;
}
