// A login with a directory password (docs/authentication.md, "LDAP"): the directory checks the
// password and lists the groups, the role map decides the role, and the account is created or
// updated. LDAP logins are matched in lower case, as directories compare uid / sAMAccountName.
import { config } from "../../config";
import { signInSsoUser } from "../../users/sso-users";
import { loginSchema } from "../../users/users";
import { LoginRefusedError } from "../login-refusal";
import { DirectoryUnavailableError, ldapLogin, type LdapUser } from "./ldap";
import { roleForGroups } from "./role-map";

/** The AC user for a directory login, null for wrong credentials; throws LoginRefusedError. */
export async function ldapSignIn(login: string, password: string, now = new Date()) {
  const settings = config();
  const name = login.toLowerCase();
  // Only names AC itself allows (ASCII): the directory's matching folds fullwidth letters and
  // spaces (RFC 4518), so "ｆｒａｎｋ" would find uid=frank and become a look-alike account of its
  // own, around "local wins" and the per-account login limit (docs/authentication.md, "LDAP").
  const valid = loginSchema.safeParse(name);
  if (!valid.success || valid.data !== name) return null;
  let found: LdapUser | null;
  try {
    found = await ldapLogin(settings, name, password);
  } catch (error) {
    if (!(error instanceof DirectoryUnavailableError)) throw error;
    console.error(`[ac] LDAP login of ${JSON.stringify(name.slice(0, 100))}: ${error.message}`);
    throw new LoginRefusedError("directory-unavailable");
  }
  if (!found) return null;
  // Keyed by the entry's lasting id, not its login or DN: a login given to a new person later
  // must not inherit the old account, its tokens and history (docs/authentication.md, "LDAP").
  if (!found.id) {
    console.error(`[ac] LDAP entry ${JSON.stringify(found.dn.slice(0, 300))} has no ${settings.AC_LDAP_ID_ATTRIBUTE}`);
    throw new LoginRefusedError("no-directory-id");
  }
  const grant = roleForGroups(settings.AC_SSO_ROLE_MAP, found.groups);
  if (!grant) throw new LoginRefusedError("no-role");
  const identity = {
    source: "ldap" as const,
    issuer: settings.AC_LDAP_URL!,
    externalId: found.id,
    dn: found.dn,
    login: name,
    displayName: found.displayName,
  };
  const result = await signInSsoUser(identity, grant, { now });
  if (result.kind === "disabled") throw new LoginRefusedError("account-disabled");
  if (result.kind === "login-taken") throw new LoginRefusedError("login-taken");
  return result.user;
}
