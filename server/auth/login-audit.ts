// THE place every login outcome is recorded: one call per attempt, from the credentials provider
// (local and LDAP, server/auth/next-auth.ts) and from the OIDC sign-in (server/auth/sso/oidc.ts).
//
// TEMPORARY SEAM: the audit log of issue 13 is built in parallel; at merge time this function
// writes its audit row through the audit helper. Until then it only logs one line, so no outcome
// is lost in the meantime — it is not meant to stay a log line.
import type { UserSource } from "../generated/prisma/enums";

export type LoginAttempt = {
  source: UserSource;
  /** The login as typed (credentials) or the SSO login name; may be attacker-chosen. */
  login: string;
  outcome: "success" | "refused" | "limited" | "error";
  /** Why it was refused: a code of lib/login-messages.ts, "wrong-credentials", or an error id. */
  reason?: string;
  userId?: number;
  clientAddress?: string;
};

export function recordLoginAttempt(attempt: LoginAttempt): void {
  const who = JSON.stringify(attempt.login.slice(0, 100)); // quoted: a login may carry control characters
  const details = [attempt.reason, attempt.userId ? `user ${attempt.userId}` : "", attempt.clientAddress ?? ""];
  console.info(`[ac] login ${attempt.outcome} ${attempt.source} ${who} ${details.filter(Boolean).join(" ")}`);
}
