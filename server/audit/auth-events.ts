// Audit rows of sign-ins and sign-outs, and of an API token used from an address it was never
// used from. `auditLogin` is the one entry point for every way of logging in: the password form
// (server/auth/next-auth.ts) and single sign-on (OIDC, LDAP) call it the same way.
import type { LoginAttempt } from "../auth/login-audit";
import { db } from "../db";
import { AUDIT_BOUNDS, auditDb, bounded, writeAuditEntry, type AuditActor } from "./entry";
import { recordCapped, REFUSAL_AUDIT } from "./refusals";
import type { RequestMeta } from "./request-meta";

/** As users.source names them on the SSO branch: a local password, OIDC or LDAP. */
export type LoginSource = "local" | "oidc" | "ldap";

export type LoginAudit = {
  /** The login name as typed or as the identity provider sent it (bounded here). */
  login: string;
  outcome: "success" | "failure" | "refused";
  source: LoginSource;
  /** Why it failed ("wrong login or password", "no mapped group", "locked"); never the password. */
  error?: string | null;
  /** The account, when the login matched one. */
  userId?: number | null;
  clientAddress?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
};

/**
 * One row per login attempt: action "auth.login", target the user (by id when known). `capped`:
 * an attempt anyone can repeat without limit (past the login limits, an OIDC callback that failed
 * before naming anyone) writes at most REFUSAL_AUDIT.rowsPerWindow rows per window and client
 * address (server/audit/refusals.ts), so anonymous requests cannot grow the log without bound.
 */
export async function auditLogin(a: LoginAudit, capped = false): Promise<void> {
  const login = bounded(a.login.replace(/[\u0000-\u001f\u007f]/g, "?"), AUDIT_BOUNDS.name) || "(empty)";
  const userId =
    a.userId ??
    (
      await db()
        .user.findUnique({ where: { login }, select: { id: true } })
        .catch(() => null)
    )?.id ??
    null;
  const actor: AuditActor = { kind: "user", id: userId, name: login, userId };
  const entry = {
    actor,
    action: "auth.login",
    outcome: a.outcome,
    error: a.outcome === "success" ? null : (a.error ?? "login refused"),
    target: { type: "user", id: userId, label: login },
    details: { source: a.source },
    request: requestOf(a),
  };
  if (!capped) return void (await writeAuditEntry(auditDb(), entry));
  const clientAddress = entry.request.clientAddress ?? null;
  const same = { action: "auth.login", outcome: entry.outcome, error: entry.error ?? null, clientAddress };
  await recordCapped(entry, `auth.login ${entry.error} ${clientAddress}`, [
    { same, rows: REFUSAL_AUDIT.rowsPerWindow },
  ]);
}

/**
 * The same row from the login seam of the SSO work (`recordLoginAttempt` in server/auth/login-audit.ts):
 * its outcomes mapped to the audit's. A wrong password is a failure; a policy refusal (no mapped
 * group, local logins off) or the login limits are refusals; an error is a failure with its id.
 */
export function auditLoginAttempt(a: LoginAttempt): Promise<void> {
  const wrong = a.outcome === "refused" && (!a.reason || a.reason === "wrong-credentials");
  // Past the limits, or an OIDC callback error (next-auth's logger: no login, no address): repeatable at will.
  const capped = a.outcome === "limited" || (a.outcome === "error" && a.login === "?");
  return auditLogin(
    {
      login: a.login,
      source: a.source,
      userId: a.userId,
      clientAddress: a.clientAddress === "unknown" ? null : a.clientAddress,
      userAgent: a.userAgent,
      outcome: a.outcome === "success" ? "success" : wrong || a.outcome === "error" ? "failure" : "refused",
      error: wrong
        ? "wrong login or password, or account disabled"
        : a.outcome === "limited"
          ? "too many failed attempts"
          : a.reason,
    },
    capped,
  );
}

/** A sign-out (next-auth's signOut event). */
export async function auditLogout(user: { id: number; login: string }, request?: RequestParts): Promise<void> {
  await writeAuditEntry(auditDb(), {
    actor: { kind: "user", id: user.id, name: user.login, userId: user.id },
    action: "auth.logout",
    outcome: "success",
    target: { type: "user", id: user.id, label: user.login },
    request: requestOf(request ?? {}),
  });
}

/** How many addresses a token remembers; an address older than that counts as new again. */
export const AUDIT_SEEN_ADDRESSES = 20;

/**
 * Adds the address to the token's seen set (newest first, bounded) and writes one audit row when it
 * was not in it. One statement decides, so two requests from the new address write one row.
 */
export async function auditTokenAddress(
  token: { id: number; name: string; ownerId: number | null; seenAddresses: string[] },
  request: RequestMeta,
): Promise<void> {
  const address = request.clientAddress;
  if (!address || token.seenAddresses.includes(address)) return;
  await db().$transaction(async (tx) => {
    const changed = await tx.$executeRaw`
      UPDATE api_tokens SET seen_addresses = (ARRAY[${address}::text] || seen_addresses)[1:${AUDIT_SEEN_ADDRESSES}::int]
      WHERE id = ${token.id} AND NOT (${address}::text = ANY(seen_addresses))`;
    if (changed === 0) return;
    await writeAuditEntry(tx, {
      actor: { kind: "token", id: token.id, name: `token:${token.name}`, userId: token.ownerId },
      action: "auth.token_new_address",
      outcome: "success",
      target: { type: "api_token", id: token.id, label: token.name },
      details: { address },
      request,
    });
  });
}

type RequestParts = { clientAddress?: string | null; userAgent?: string | null; requestId?: string | null };

const requestOf = (r: RequestParts): RequestMeta => ({
  clientAddress: r.clientAddress ?? null,
  userAgent: bounded(r.userAgent, AUDIT_BOUNDS.userAgent),
  requestId: r.requestId ?? crypto.randomUUID(),
});
