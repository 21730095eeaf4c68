// API tokens for internal tools. The secret is shown once at creation; only its sha256 is kept.
import { createHash, randomBytes } from "node:crypto";
import { db, Prisma } from "../db";
import { notFound } from "../errors";
import type { Role } from "../generated/prisma/enums";
import type { Actor } from "../auth/actor";

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

/** The actor for a bearer secret, or null when it is unknown, revoked or expired. */
export async function actorForApiToken(secret: string): Promise<Actor | null> {
  if (!secret.startsWith(PREFIX)) return null;
  const token = await db().apiToken.findUnique({
    where: { tokenHash: hashSecret(secret) },
    select: { id: true, name: true, role: true, revokedAt: true, expiresAt: true, lastUsedAt: true },
  });
  const now = new Date();
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null;
  // Record use at most once a minute: a busy tool should not turn every call into a write.
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
  }
  return { kind: "token", id: token.id, name: token.name, role: token.role };
}
