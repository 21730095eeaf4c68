// User accounts: creation, role and state changes, password checks, the first admin, the lists
// and profile the users router serves. Knows nothing of sessions or tokens (server/auth/ uses it).
import { z } from "zod";
import { changesOf, secretSet } from "../audit/changes";
import type { AuditSink } from "../audit/recorder";
import { config } from "../config";
import { db, Prisma } from "../db";
import { uniqueViolation } from "../db-errors";
import { AppError, notFound } from "../errors";
import type { Role } from "../generated/prisma/enums";
import { pageArgs, pageResult, type PageInput } from "../pagination";
import { burnPasswordCheck, hashPassword, randomPassword, verifyPassword } from "./password";

export const loginSchema = z
  .string()
  .trim()
  .min(2, "at least 2 characters")
  .max(64, "at most 64 characters")
  .regex(/^[A-Za-z0-9._@-]+$/, "letters, digits and . _ @ - only");
export const passwordSchema = z.string().min(10, "at least 10 characters").max(200, "at most 200 characters");

export const userSelect = {
  id: true,
  login: true,
  displayName: true,
  role: true,
  disabled: true,
  refreshSeconds: true,
  createdAt: true,
  source: true,
  lastLoginAt: true,
  ssoGroups: true,
} satisfies Prisma.UserSelect;

const ssoRoleRefusal = "The role of a single sign-on account comes from its directory groups (AC_SSO_ROLE_MAP)";

const target = (user: { id: number; login: string }) => ({ type: "user", id: user.id, label: user.login });

export async function createUser(
  input: { login: string; password: string; role: Role; displayName?: string | null },
  audit?: AuditSink,
) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db().$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { login: input.login, displayName: input.displayName || null, role: input.role, passwordHash },
        select: userSelect,
      });
      const changes = {
        ...changesOf(null, user, { ignore: ["id", "createdAt", "refreshSeconds"] }),
        ...secretSet("password"),
      };
      await audit?.record(tx, { target: target(user), changes });
      return user;
    });
  } catch (e) {
    if (uniqueViolation(e) !== null) {
      throw new AppError("CONFLICT", `A user with login "${input.login}" already exists`);
    }
    throw e;
  }
}

export async function updateUser(
  id: number,
  patch: { role?: Role; disabled?: boolean; displayName?: string | null },
  byUserId?: number,
  audit?: AuditSink,
) {
  return db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id }, select: userSelect });
    if (!user) throw notFound("User");
    if (user.source !== "local" && patch.role && patch.role !== user.role)
      throw new AppError("BAD_REQUEST", ssoRoleRefusal);
    await checkUserUpdate(tx, user, patch, byUserId);
    // Disabling ends the user's open sessions, also for when the account is enabled again.
    const endSessions = patch.disabled === true ? { sessionVersion: { increment: 1 } } : {};
    const after = await tx.user.update({ where: { id }, data: { ...patch, ...endSessions }, select: userSelect });
    await audit?.record(tx, { target: target(after), changes: changesOf(user, after) });
    return after;
  });
}

async function checkUserUpdate(
  tx: Prisma.TransactionClient,
  user: { id: number; role: Role },
  patch: { role?: Role; disabled?: boolean },
  byUserId: number | undefined,
) {
  const id = user.id;
  if (byUserId === id && (patch.disabled || (patch.role && patch.role !== "admin"))) {
    throw new AppError("BAD_REQUEST", "You cannot disable yourself or take away your own admin role");
  }
  if (user.role === "admin" && (patch.disabled || (patch.role && patch.role !== "admin"))) {
    const otherAdmins = await tx.user.count({ where: { role: "admin", disabled: false, id: { not: id } } });
    if (otherAdmins === 0) throw new AppError("BAD_REQUEST", "AC needs at least one active admin");
  }
}

/** Sets a new password and ends every session signed in with the old one. */
export async function resetPassword(id: number, password: string, audit?: AuditSink) {
  const passwordHash = await hashPassword(password);
  await db().$transaction(async (tx) => {
    const found = await tx.user.findUnique({ where: { id }, select: { id: true, login: true, source: true } });
    if (!found) throw notFound("User");
    if (found.source !== "local")
      throw new AppError("BAD_REQUEST", "A single sign-on account has no password in AC; it logs in at its directory");
    await tx.user.update({ where: { id }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    await audit?.record(tx, { target: target(found), changes: secretSet("password") });
  });
}

/** What a request needs to know about a session's user: current role, state and session version. */
export function sessionUser(id: number) {
  return db().user.findUnique({
    where: { id },
    select: {
      id: true,
      login: true,
      displayName: true,
      role: true,
      disabled: true,
      sessionVersion: true,
      source: true,
      externalId: true,
      ssoCheckedAt: true,
      ssoGroups: true,
    },
  });
}

/** Notes a successful login for the users list. */
export async function recordLastLogin(id: number, now = new Date()): Promise<void> {
  await db().user.update({ where: { id }, data: { lastLoginAt: now } });
}

export async function listUsers(input: PageInput & { search?: string }) {
  const where: Prisma.UserWhereInput = input.search
    ? {
        OR: [
          { login: { contains: input.search, mode: "insensitive" } },
          { displayName: { contains: input.search, mode: "insensitive" } },
        ],
      }
    : {};
  const [items, total] = await Promise.all([
    db().user.findMany({ where, select: userSelect, orderBy: { login: "asc" }, ...pageArgs(input) }),
    db().user.count({ where }),
  ]);
  return pageResult(items, total, input);
}

export async function refreshSeconds(id: number): Promise<number> {
  const user = await db().user.findUnique({ where: { id }, select: { refreshSeconds: true } });
  return user?.refreshSeconds ?? 0;
}

export async function setRefreshSeconds(id: number, seconds: number): Promise<void> {
  await db().user.update({ where: { id }, data: { refreshSeconds: seconds } });
}

/** The user when login and password match an enabled local account, else null (same timing either way). */
export async function checkCredentials(login: string, password: string) {
  const user = await db().user.findUnique({
    where: { login },
    select: { ...userSelect, sessionVersion: true, passwordHash: true },
  });
  if (!user) {
    await burnPasswordCheck(password);
    return null;
  }
  if (user.source !== "local") {
    await burnPasswordCheck(password); // SSO accounts have no password here
    return null;
  }
  const ok = await verifyPassword(password, user.passwordHash);
  if (!ok || user.disabled) return null;
  const { passwordHash: _hash, ...safe } = user;
  return safe;
}

/** Key of the advisory lock replicas take to create the first admin (any constant works). */
const FIRST_ADMIN_LOCK_KEY = 0x41434641; // "ACFA"

/**
 * Makes sure an admin can log in on a new installation: the account from AC_ADMIN_USER /
 * AC_ADMIN_PASSWORD when set, otherwise, when there are no users at all, an `admin` account
 * with a random password printed once. Replicas starting together on one database create one
 * account, and only the replica that created it prints the password.
 */
export async function ensureFirstAdmin(log: (line: string) => void = console.log) {
  const { AC_ADMIN_USER, AC_ADMIN_PASSWORD } = config();
  const login = AC_ADMIN_USER ?? "admin";
  const needed = async (tx: Prisma.TransactionClient) =>
    AC_ADMIN_USER
      ? !(await tx.user.findUnique({ where: { login: AC_ADMIN_USER }, select: { id: true } }))
      : (await tx.user.count()) === 0;
  if (!(await db().$transaction(needed))) return; // the usual start: nothing to do, no lock
  if (AC_ADMIN_USER && !AC_ADMIN_PASSWORD)
    throw new AppError("BAD_REQUEST", "AC_ADMIN_USER is set but AC_ADMIN_PASSWORD is not");
  const password = AC_ADMIN_USER ? AC_ADMIN_PASSWORD! : randomPassword();
  const passwordHash = await hashPassword(password); // before the lock: it takes a while
  const created = await db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK_KEY}::bigint)`;
    if (!(await needed(tx))) return false; // another replica was first
    const displayName = AC_ADMIN_USER ? null : "Administrator";
    await tx.user.create({ data: { login, passwordHash, role: "admin", displayName }, select: { id: true } });
    return true;
  });
  if (!created) return;
  if (AC_ADMIN_USER) {
    log(`[ac] created admin user "${AC_ADMIN_USER}" from AC_ADMIN_USER`);
    return;
  }
  log(`[ac] ──────────────────────────────────────────────────────────────`);
  log(`[ac] First start: created user "admin" with password ${password}`);
  log(`[ac] It is shown only this once. Change it under Admin → Users.`);
  log(`[ac] ──────────────────────────────────────────────────────────────`);
}
