// Who may do what: one table. Procedures name the action they perform; the table says which
// roles are allowed. A logged-in caller without the role gets FORBIDDEN.
import type { Role } from "../generated/prisma/enums";

export const roles = ["viewer", "operator", "admin"] as const satisfies readonly Role[];

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** The lowest role that may perform each action; higher roles may too. */
export const permissions = {
  "inventory.read": "viewer",
  "events.read": "viewer",
  "haproxy.read": "viewer",
  "tasks.read": "viewer",
  "alerts.read": "viewer",
  "profile.update": "viewer",
  "poll.now": "operator",
  "haproxy.command": "operator",
  "haproxy.bulk": "operator",
  "haproxy.map": "operator",
  "haproxy.sync": "operator",
  "task.start": "operator",
  "task.cancel": "operator",
  "task.continue": "operator",
  "task.returnToPool": "operator",
  "task.retry": "operator",
  /** The audit log: operators read their own rows (server/audit/queries.ts), admins every row. */
  "audit.read": "operator",
  "audit.readAll": "admin",
  "alerts.acknowledge": "operator",
  "alerts.silence": "operator",
  "servers.manage": "admin",
  "settings.manage": "admin",
  "statusMap.manage": "admin",
  "haproxy.manage": "admin",
  "users.manage": "admin",
  "tokens.manage": "admin",
  "alerts.manage": "admin",
} as const satisfies Record<string, Role>;

export type Action = keyof typeof permissions;

export function can(role: Role, action: Action): boolean {
  return rank[role] >= rank[permissions[action]];
}

/** The lower of two roles: a token never does more than the user who owns it may do now. */
export const lowerRole = (a: Role, b: Role): Role => (rank[a] <= rank[b] ? a : b);
