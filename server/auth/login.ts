// One login attempt with a password: the limits (server/auth/login-limiter.ts) first, then the
// check — a local account's password in AC, or else the LDAP directory when one is configured
// (docs/authentication.md, "Which login goes where"). OIDC accounts never log in with a password.
import { config } from "../config";
import { dbPool } from "../db";
import { AppError } from "../errors";
import { burnPasswordCheck } from "../users/password";
import { accountSource } from "../users/sso-users";
import { checkCredentials, recordLastLogin } from "../users/users";
import { recordLoginAttempt, type LoginAttempt } from "./login-audit";
import { createLoginLimiter, type LoginLimiter } from "./login-limiter";
import { LoginRefusedError } from "./login-refusal";
import { ldapSignIn } from "./sso/ldap-login";

// One limiter per pool: closeDb() ends a pool and the next db() makes a new one.
const holder = globalThis as { acLoginLimiter?: { pool: unknown; limiter: LoginLimiter } };
function limiter(): LoginLimiter {
  const pool = dbPool();
  if (holder.acLoginLimiter?.pool !== pool) holder.acLoginLimiter = { pool, limiter: createLoginLimiter(pool) };
  return holder.acLoginLimiter.limiter;
}

export class LoginLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    // The login form shows this text as it is (app/login/login-form.tsx).
    super("TOO_MANY_REQUESTS", `Too many failed attempts. Try again in ${retryAfterSeconds} s.`);
  }
}

type PasswordUser = { id: number; login: string; displayName: string | null; sessionVersion: number };

/**
 * The user when the password is right and the account may log in, null otherwise; throws
 * LoginLimitedError, and LoginRefusedError for refusals the user can act on (no mapped group…).
 * Records every outcome (recordLoginAttempt).
 */
export async function attemptLogin(
  login: string,
  password: string,
  clientAddress: string,
  /** For the audit row (bounded, control characters out: server/audit/request-meta.ts). */
  userAgent?: string | null,
): Promise<PasswordUser | null> {
  const source = await passwordSource(login);
  const record = (outcome: LoginAttempt["outcome"], more: Partial<LoginAttempt> = {}) =>
    recordLoginAttempt({ source: source ?? "local", login, outcome, clientAddress, userAgent, ...more });
  try {
    const outcome = await limiter().attempt(login, clientAddress, () => checkPassword(source, login, password));
    if (outcome.kind === "limited") throw new LoginLimitedError(outcome.retryAfterSeconds);
    if (outcome.user) await record("success", { userId: outcome.user.id });
    else await record("refused", { reason: "wrong-credentials" });
    return outcome.user;
  } catch (error) {
    if (error instanceof LoginLimitedError) await record("limited");
    else if (error instanceof LoginRefusedError) await record("refused", { reason: error.refusal });
    else await record("error", { reason: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    throw error;
  }
}

/** Who checks this login's password: AC (a local account) or the directory; null = nobody may. */
async function passwordSource(login: string): Promise<"local" | "ldap" | null> {
  const { AC_LOCAL_LOGIN, AC_LDAP_URL } = config();
  const source = await accountSource(login);
  // A local account's name is never handed to the directory: local wins (break-glass keeps working).
  if (source === "local") return AC_LOCAL_LOGIN ? "local" : null;
  if (source !== "oidc" && AC_LDAP_URL) return "ldap";
  return null;
}

async function checkPassword(source: "local" | "ldap" | null, login: string, password: string) {
  if (source === "ldap") return ldapSignIn(login, password);
  if (source === "local") {
    const user = await checkCredentials(login, password);
    if (user) await recordLastLogin(user.id);
    return user;
  }
  await burnPasswordCheck(password); // the same time as a real check
  return null;
}
