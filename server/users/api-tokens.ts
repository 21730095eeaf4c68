// API tokens for internal tools. The secret is shown once at creation; only its sha256 is kept.
import { createHash, randomBytes } from "node:crypto";
import { changesOf } from "../audit/changes";
import type { AuditSink } from "../audit/recorder";
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

const target = (token: { id: number; name: string }) => ({ type: "api_token", id: token.id, label: token.name });

/** The audit row shows name, role, owner, expiry and prefix; never the secret or its hash. */
export async function createApiToken(input: {
  name: string;
  role: Role;
  ownerId?: number;
  expiresAt?: Date | null;
  audit?: AuditSink;
}) {
  const secret = PREFIX + randomBytes(24).toString("base64url");
  const token = await db().$transaction(async (tx) => {
    const token = await tx.apiToken.create({
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
    const shown = {
      name: token.name,
      role: token.role,
      owner: token.owner?.login ?? null,
      expiresAt: token.expiresAt,
      prefix: token.prefix,
    };
    await input.audit?.record(tx, { target: target(token), changes: changesOf(null, shown) });
    return token;
  });
  return { token, secret };
}

export async function revokeApiToken(id: number, audit?: AuditSink) {
  await db().$transaction(async (tx) => {
    const found = await tx.apiToken.findUnique({ where: { id }, select: { id: true, name: true, revokedAt: true } });
    if (!found) throw notFound("API token");
    if (found.revokedAt) return; // already revoked: the middleware's row says the call succeeded
    const after = await tx.apiToken.update({
      where: { id },
      data: { revokedAt: new Date() },
      select: { revokedAt: true },
    });
    await audit?.record(tx, { target: target(found), changes: changesOf(found, after) });
  });
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
      owner: {
        select: {
          id: true,
          login: true,
          role: true,
          disabled: true,
          source: true,
          externalId: true,
          ssoCheckedAt: true,
          ssoGroups: true,
        },
      },
      seenAddresses: true,
    },
  });
}

/** Records use at most once a minute: a busy tool should not turn every call into a write. */
export async function recordApiTokenUse(token: { id: number; lastUsedAt: Date | null }, now = new Date()) {
  if (token.lastUsedAt && now.getTime() - token.lastUsedAt.getTime() <= 60_000) return;
  await db().apiToken.update({ where: { id: token.id }, data: { lastUsedAt: now } });
}
