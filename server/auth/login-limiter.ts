// Failed logins are limited per (login, address) and per address, so guessing one account's
// password and spraying many accounts from one address are both slowed down.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

const perUserAndAddress = new RateLimiterMemory({ keyPrefix: "login_ua", points: 5, duration: 15 * 60 });
const perAddress = new RateLimiterMemory({ keyPrefix: "login_a", points: 50, duration: 60 * 60 });

const key = (login: string, address: string) => `${login.toLowerCase()}|${address}`;

/** Seconds the caller must wait, or 0 when a login attempt is allowed now. */
export async function loginBlockedFor(login: string, address: string): Promise<number> {
  const [ua, a] = await Promise.all([perUserAndAddress.get(key(login, address)), perAddress.get(address)]);
  const blocked = [ua, a].filter((r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0);
  return blocked.length ? Math.ceil(Math.max(...blocked.map((r) => r.msBeforeNext)) / 1000) : 0;
}

export async function recordFailedLogin(login: string, address: string): Promise<void> {
  await Promise.all([
    perUserAndAddress.penalty(key(login, address)),
    perAddress.penalty(address),
  ]);
}

export async function recordSuccessfulLogin(login: string, address: string): Promise<void> {
  await perUserAndAddress.delete(key(login, address));
}
