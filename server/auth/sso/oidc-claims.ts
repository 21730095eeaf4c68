// Reading an ID token's claims into what AC needs: groups and a login name. Both are bounded and
// validated; a claim of the wrong shape counts as absent (docs/authentication.md, "OIDC").
import { loginSchema } from "../../users/users";

const MAX_GROUPS = 1000;
const MAX_GROUP_LENGTH = 256;

/** A claim by name, or by a dotted path (`realm_access.roles`) when no claim has the name itself. */
function claim(claims: Record<string, unknown>, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split(".")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function groupsFromClaims(claims: Record<string, unknown>, name: string): string[] {
  const value = claim(claims, name);
  const list = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  return list
    .filter((g): g is string => typeof g === "string" && g.length > 0 && g.length <= MAX_GROUP_LENGTH)
    .slice(0, MAX_GROUPS);
}

/**
 * The AC login name from the configured claim, then `email` when the provider says it verified it
 * (where users set their own address, an unverified one could squat a colleague's name), or null.
 */
export function loginFromClaims(claims: Record<string, unknown>, name: string): string | null {
  const email = claims.email_verified === true ? claims.email : undefined;
  for (const candidate of [claim(claims, name), email]) {
    const parsed = loginSchema.safeParse(candidate);
    if (parsed.success) return parsed.data;
  }
  return null;
}

export function displayNameFromClaims(claims: Record<string, unknown>): string | null {
  return typeof claims.name === "string" && claims.name.trim() ? claims.name.trim().slice(0, 100) : null;
}
