// Accounts that log in through OIDC or LDAP (docs/authentication.md, "Accounts from single sign-on"):
// created at the first login, their role and groups written by every login and re-check. An account
// is found by its identity at the source — OIDC: (issuer, subject); LDAP: the entry's lasting id
// (entryUUID / objectGUID) — never by a login name alone, so a directory user can never take over a
// local account, one from another source, or the account of the person who had the login before:
// such a login is refused.
import { db } from "../db";
import { uniqueViolation } from "../db-errors";
import type { Role, UserSource } from "../generated/prisma/enums";

export type SsoIdentity = {
  source: Exclude<UserSource, "local">;
  /** OIDC: the issuer URL; LDAP: the directory URL (shown to admins, not part of the match). */
  issuer: string;
  /** OIDC: the `sub` claim; LDAP: the entry's lasting id (AC_LDAP_ID_ATTRIBUTE). */
  externalId: string;
  /** LDAP: the entry's DN, which accounts made before ids were kept hold as externalId. */
  dn?: string;
  login: string;
  displayName: string | null;
};
export type SsoGrant = { role: Role; groups: string[] };

export type SsoSignIn =
  | { kind: "ok"; user: { id: number; login: string; displayName: string | null; sessionVersion: number } }
  | { kind: "login-taken" }
  | { kind: "disabled" };

const signInSelect = { id: true, login: true, displayName: true, sessionVersion: true, disabled: true } as const;

function findAccount(identity: SsoIdentity) {
  return identity.source === "oidc"
    ? db().user.findUnique({
        where: { ssoIssuer_externalId: { ssoIssuer: identity.issuer, externalId: identity.externalId } },
        select: { ...signInSelect, source: true },
      })
    : db().user.findFirst({
        where: {
          source: "ldap",
          OR: [
            { externalId: identity.externalId },
            // Stored by an older AC under its DN: taken over once, then kept by the id.
            ...(identity.dn ? [{ login: identity.login, externalId: identity.dn }] : []),
          ],
        },
        select: { ...signInSelect, source: true },
      });
}

/**
 * Records a successful SSO login: creates the account the first time, otherwise writes the role
 * and groups the mapping gave now. `refreshToken` (OIDC, already encrypted) replaces the stored one.
 */
export async function signInSsoUser(
  identity: SsoIdentity,
  grant: SsoGrant,
  options: { refreshToken?: string | null; now?: Date } = {},
): Promise<SsoSignIn> {
  const now = options.now ?? new Date();
  const fields = {
    role: grant.role,
    ssoGroups: grant.groups,
    lastLoginAt: now,
    ssoCheckedAt: now,
    ssoIssuer: identity.issuer,
    externalId: identity.externalId,
    ssoRefreshToken: options.refreshToken ?? null,
  };
  const existing = await findAccount(identity);
  if (existing) {
    if (existing.disabled) return { kind: "disabled" };
    const user = await db().user.update({
      where: { id: existing.id },
      data: { ...fields, displayName: identity.displayName ?? existing.displayName },
      select: signInSelect,
    });
    return { kind: "ok", user };
  }
  try {
    const user = await db().user.create({
      data: {
        ...fields,
        login: identity.login,
        displayName: identity.displayName,
        source: identity.source,
        passwordHash: "", // never matches: SSO accounts have no password in AC (checkCredentials refuses them)
      },
      select: signInSelect,
    });
    return { kind: "ok", user };
  } catch (error) {
    // The name belongs to another account (local, or from another source): refused, never linked.
    if (uniqueViolation(error) !== null) return { kind: "login-taken" };
    throw error;
  }
}

/** The account's source by login, or null when no account has that login. */
export async function accountSource(login: string): Promise<UserSource | null> {
  const user = await db().user.findUnique({ where: { login }, select: { source: true } });
  return user?.source ?? null;
}

/**
 * Takes the periodic re-check of an SSO account for this request: true for exactly one caller per
 * interval (the others keep the role already stored), so parallel requests do not all ask the directory.
 */
export async function claimSsoCheck(id: number, lastCheckedAt: Date | null, now = new Date()): Promise<boolean> {
  const { count } = await db().user.updateMany({
    where: { id, ssoCheckedAt: lastCheckedAt },
    data: { ssoCheckedAt: now },
  });
  return count === 1;
}

/** Writes a re-check's outcome: the new role and groups, or null = no access any more (sessions end). */
export async function applySsoCheck(id: number, grant: SsoGrant | null, refreshToken?: string | null) {
  const token = refreshToken === undefined ? {} : { ssoRefreshToken: refreshToken };
  if (grant) {
    await db().user.update({ where: { id }, data: { role: grant.role, ssoGroups: grant.groups, ...token } });
  } else {
    await db().user.update({
      where: { id },
      data: { ssoGroups: [], ssoRefreshToken: null, sessionVersion: { increment: 1 } },
    });
  }
}

/** The stored (encrypted) OIDC refresh token of an account. */
export async function ssoRefreshToken(id: number): Promise<string | null> {
  const user = await db().user.findUnique({ where: { id }, select: { ssoRefreshToken: true } });
  return user?.ssoRefreshToken ?? null;
}
