// The periodic re-check of a single sign-on account's role (docs/authentication.md, "Re-checks"):
// when a session is used and the last check is older than AC_SSO_RECHECK_MINUTES, the groups are
// read again — LDAP: a search with the service account; OIDC: a refresh-token grant, whose new ID
// token carries the groups — and mapped to a role. A user gone from the directory, refused by the
// provider, or in no mapped group loses access at once (session_version is raised). The check
// fails closed: when the directory or provider cannot answer, sessions end too, and local
// break-glass accounts remain for such outages.
import { config } from "../../config";
import type { Role, UserSource } from "../../generated/prisma/enums";
import { applySsoCheck, claimSsoCheck, ssoRefreshToken, type SsoGrant } from "../../users/sso-users";
import { ldapLookup } from "./ldap";
import { oidcGroupsNow } from "./oidc";
import { roleForGroups } from "./role-map";

type CheckedUser = {
  id: number;
  login: string;
  role: Role;
  source: UserSource;
  externalId: string | null;
  ssoCheckedAt: Date | null;
  /** The mapped groups of the last login or check; empty once a check took access away. */
  ssoGroups: string[];
};

/** The user with their role as of now, or null when they no longer have access; local users pass as they are. */
export async function recheckSsoUser<U extends CheckedUser>(user: U, now = new Date()): Promise<U | null> {
  if (user.source === "local") return user;
  // A check that took access away leaves the role as it was but no mapped group: until a login or
  // a later check grants access again, the stored role must not be used (API tokens carry no
  // session version, so ending the sessions alone would leave them working).
  const stored = user.ssoGroups.length > 0 ? user : null;
  const intervalMs = config().AC_SSO_RECHECK_MINUTES * 60_000;
  if (user.ssoCheckedAt && now.getTime() - user.ssoCheckedAt.getTime() < intervalMs) return stored;
  // Another request of the same user is checking: this one goes on with the stored role.
  if (!(await claimSsoCheck(user.id, user.ssoCheckedAt, now))) return stored;
  let grant: SsoGrant | null = null;
  let refreshToken: string | null | undefined;
  try {
    if (user.source === "ldap") {
      const found = config().AC_LDAP_URL ? await ldapLookup(config(), user.login) : null;
      // The login may now name another person's entry: that entry's groups are not this account's.
      // (An account from before ids were kept holds the DN until its next login.)
      const same = found !== null && (found.id === user.externalId || found.dn === user.externalId);
      grant = found && same ? roleForGroups(config().AC_SSO_ROLE_MAP, found.groups) : null;
    } else {
      const current = await oidcGroupsNow(await ssoRefreshToken(user.id), user.externalId);
      grant = current ? roleForGroups(config().AC_SSO_ROLE_MAP, current.groups) : null;
      refreshToken = current?.refreshToken;
    }
  } catch (error) {
    console.error(`[ac] re-check of ${user.source} user ${user.id} failed, sessions end: ${(error as Error).message}`);
  }
  await applySsoCheck(user.id, grant, refreshToken);
  return grant ? { ...user, role: grant.role } : null;
}
