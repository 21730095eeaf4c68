// THE place every login outcome is recorded: one call per attempt, from the credentials provider
// (local and LDAP, server/auth/next-auth.ts) and from the OIDC sign-in (server/auth/sso/oidc.ts).
// Each becomes one audit row (docs/audit.md, "Logins") and one log line.
import { auditLoginAttempt } from "../audit/auth-events";
import { logUnexpectedError } from "../error-report";
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
  userAgent?: string | null;
};

/** Never rejects: a login is not refused because its audit row could not be written (the log says so). */
export async function recordLoginAttempt(attempt: LoginAttempt): Promise<void> {
  const who = JSON.stringify(attempt.login.slice(0, 100)); // quoted: a login may carry control characters
  const details = [attempt.reason, attempt.userId ? `user ${attempt.userId}` : "", attempt.clientAddress ?? ""];
  console.info(`[ac] login ${attempt.outcome} ${attempt.source} ${who} ${details.filter(Boolean).join(" ")}`);
  await auditLoginAttempt(attempt).catch((error: unknown) => void logUnexpectedError("audit of a login", error));
}
