// API tokens for internal tools. The secret is shown once at creation; only its sha256 is kept.
import { createHash, randomBytes } from "node:crypto";
import { db, Prisma } from "../db";
import { notFound } from "../errors";
import type { Role } from "../generated/prisma/enums";
import { pageArgs, pageResult, type PageInput } from "../pagination";

const PREFIX = "ac_";
const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

export const apiTokenSelect = {
  id: true,
  name: true,
  prefix: true,
  role: true,
  owner: { select: { login: true } },
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
} satisfies Prisma.ApiTokenSelect;

export async function createApiToken(input: { name: string; role: Role; ownerId?: number; expiresAt?: Date | null }) {
  const secret = PREFIX + randomBytes(24).toString("base64url");
  const token = await db().apiToken.create({
    data: {
      name: input.name,
      role: input.role,
      ownerId: input.ownerId ?? null,
      expiresAt: input.expiresAt ?? null,
      tokenHash: hashSecret(secret),
      prefix: secret.slice(0, PREFIX.length + 6),
    },
    select: apiTokenSelect,
  });
  return { token, secret };
}

export async function revokeApiToken(id: number) {
  const found = await db().apiToken.findUnique({ where: { id }, select: { revokedAt: true } });
  if (!found) throw notFound("API token");
  if (found.revokedAt) return;
  await db().apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
}

export async function listApiTokens(input: PageInput & { includeRevoked: boolean }) {
  const where = input.includeRevoked ? {} : { revokedAt: null };
  const [items, total] = await Promise.all([
    db().apiToken.findMany({ where, select: apiTokenSelect, orderBy: { createdAt: "desc" }, ...pageArgs(input) }),
    db().apiToken.count({ where }),
  ]);
  return pageResult(items, total, input);
}

/**
 * The stored token for a bearer secret with its owner's current role and state, or null when the
 * secret is unknown. Whether it may be used is server/auth/session.ts's decision.
 */
export async function apiTokenForSecret(secret: string) {
  if (!secret.startsWith(PREFIX)) return null;
  return db().apiToken.findUnique({
    where: { tokenHash: hashSecret(secret) },
    select: {
      id: true,
      name: true,
      role: true,
      revokedAt: true,
      expiresAt: true,
      lastUsedAt: true,
      ownerId: true,
      seenAddresses: true,
      owner: { select: { role: true, disabled: true } },
    },
  });
}

/** Records use at most once a minute: a busy tool should not turn every call into a write. */
export async function recordApiTokenUse(token: { id: number; lastUsedAt: Date | null }, now = new Date()) {
  if (token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() <= 60_000) return;
  await db().apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
}
