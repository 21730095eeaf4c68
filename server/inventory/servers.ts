// Servers (agents) as an admin registers them, and the queries the pages need.
import { z } from "zod";
import { changesOf } from "../audit/changes";
import type { AuditSink } from "../audit/recorder";
import { db, Prisma } from "../db";
import { uniqueViolation } from "../db-errors";
import { AppError, notFound } from "../errors";

export const serverInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, "required")
    .max(100)
    .regex(/^[\p{L}\p{N}._-]+$/u, "letters, digits and . _ - only"),
  ip: z.union([z.ipv4(), z.ipv6()], { error: "must be an IPv4 or IPv6 address" }),
  port: z.number({ error: "must be a number" }).int().min(1, "1–65535").max(65535, "1–65535"),
  isHaproxyNode: z.boolean().default(false),
  isEurekaNode: z.boolean().default(false),
  /** Sent to the agent; empty clears it. */
  agentToken: z
    .string()
    .trim()
    .max(500)
    .nullish()
    .transform((v) => v || null),
});

export type ServerInput = z.infer<typeof serverInput>;

function conflict(error: unknown, input: Partial<ServerInput>): never {
  const fields = uniqueViolation(error);
  if (fields !== null) {
    throw new AppError(
      "CONFLICT",
      fields.includes("name")
        ? `A server named "${input.name}" already exists`
        : `Another server already uses ${input.ip}:${input.port}`,
    );
  }
  throw error;
}

export const serverSelect = {
  id: true,
  name: true,
  ip: true,
  port: true,
  status: true,
  lastCheck: true,
  lastError: true,
  isHaproxyNode: true,
  isEurekaNode: true,
  createdAt: true,
} satisfies Prisma.ServerSelect;

const target = (server: { id: number; name: string }) => ({ type: "server", id: server.id, label: server.name });

export async function createServer(input: ServerInput, audit?: AuditSink) {
  try {
    return await db().$transaction(async (tx) => {
      const server = await tx.server.create({ data: input, select: serverSelect });
      const after = { ...server, agentToken: input.agentToken };
      await audit?.record(tx, { target: target(server), changes: changesOf(null, after, { secret: ["agentToken"] }) });
      return server;
    });
  } catch (error) {
    conflict(error, input);
  }
}

export async function updateServer(id: number, input: Partial<ServerInput>, audit?: AuditSink) {
  // A new address or token means the last reply no longer describes this agent.
  const resetsPolling = input.ip !== undefined || input.port !== undefined || input.agentToken !== undefined;
  try {
    return await db().$transaction(async (tx) => {
      const before = await tx.server.findUnique({ where: { id }, select: { ...serverSelect, agentToken: true } });
      if (!before) throw notFound("Server");
      const server = await tx.server.update({
        where: { id },
        data: { ...input, ...(resetsPolling ? { appsFingerprint: null } : {}) },
        select: serverSelect,
      });
      const after = { ...server, agentToken: input.agentToken === undefined ? before.agentToken : input.agentToken };
      const changes = changesOf(before, after, { secret: ["agentToken"], ignore: ["id", "createdAt", "lastCheck"] });
      await audit?.record(tx, { target: target(server), changes });
      return server;
    });
  } catch (error) {
    conflict(error, input);
  }
}

/**
 * Deletes a server with its instances. Its history stays readable: events keep their text
 * (which names the server) and version history rows keep the server and instance names.
 */
export async function deleteServer(id: number, audit?: AuditSink) {
  return db().$transaction(async (tx) => {
    const before = await tx.server.findUnique({ where: { id }, select: serverSelect });
    if (!before) throw notFound("Server");
    await tx.server.delete({ where: { id } });
    const changes = changesOf(before, null, { ignore: ["id", "createdAt", "lastCheck", "lastError", "status"] });
    await audit?.record(tx, { target: target(before), changes });
    return { id: before.id, name: before.name };
  });
}
