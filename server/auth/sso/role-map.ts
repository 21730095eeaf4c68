// Group → role mapping for single sign-on accounts (docs/authentication.md, "Role mapping").
// Pure: parsed once from AC_SSO_ROLE_MAP by server/config.ts, applied at every login and re-check.
import type { Role } from "../../generated/prisma/enums";

export type RoleMapEntry = { group: string; role: Role };
export type RoleMap = readonly RoleMapEntry[];

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const ROLES = Object.keys(rank) as Role[];
/** Groups kept per user: only the mapped ones are stored, and the map itself is bounded. */
export const MAX_MAPPED_GROUPS = 20;

/** Parses `ops-admins=admin,ops=operator`; throws an Error whose message names the bad entry. */
export function parseRoleMap(text: string): RoleMap {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length > MAX_MAPPED_GROUPS) throw new Error(`at most ${MAX_MAPPED_GROUPS} groups`);
  const seen = new Set<string>();
  return entries.map((entry) => {
    // The last "=" separates: group names are plain names (cn, Keycloak group, Entra object id), never DNs.
    const at = entry.lastIndexOf("=");
    const group = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim() as Role;
    if (at <= 0 || !group) throw new Error(`"${entry}" is not group=role`);
    if (group.length > 256) throw new Error(`group name "${group.slice(0, 40)}…" is longer than 256 characters`);
    if (!ROLES.includes(role)) throw new Error(`"${entry}": the role must be one of ${ROLES.join(", ")}`);
    const key = group.toLowerCase();
    if (seen.has(key)) throw new Error(`group "${group}" is mapped twice`);
    seen.add(key);
    return { group, role };
  });
}

export type RoleDecision = { role: Role; groups: string[] } | null;

/**
 * The highest role any of the user's groups gives, and the mapped groups that gave a role
 * (names as the map spells them). Null when no group is mapped: no access.
 * Group names compare case-insensitively, as LDAP compares cn.
 */
export function roleForGroups(map: RoleMap, userGroups: Iterable<string>): RoleDecision {
  const have = new Set([...userGroups].map((g) => g.toLowerCase()));
  const matched = map.filter((entry) => have.has(entry.group.toLowerCase()));
  if (matched.length === 0) return null;
  const role = matched.reduce<Role>((best, entry) => (rank[entry.role] > rank[best] ? entry.role : best), "viewer");
  return { role, groups: matched.map((entry) => entry.group) };
}
