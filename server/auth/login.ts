// One login attempt: the limits (server/auth/login-limiter.ts) first, then the password check.
import { dbPool } from "../db";
import { AppError } from "../errors";
import { checkCredentials } from "../users/users";
import { createLoginLimiter, type LoginLimiter } from "./login-limiter";

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

/** The user when the password is right and the account enabled, null otherwise; throws LoginLimitedError. */
export async function attemptLogin(login: string, password: string, clientAddress: string) {
  const outcome = await limiter().attempt(login, clientAddress, () => checkCredentials(login, password));
  if (outcome.kind === "limited") throw new LoginLimitedError(outcome.retryAfterSeconds);
  return outcome.user;
}
