// Servers (agents) as an admin registers them, and the queries the pages need.
import { z } from "zod";
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

export async function createServer(input: ServerInput) {
  try {
    return await db().server.create({ data: input, select: serverSelect });
  } catch (error) {
    conflict(error, input);
  }
}

export async function updateServer(id: number, input: Partial<ServerInput>) {
  if (!(await db().server.findUnique({ where: { id }, select: { id: true } }))) throw notFound("Server");
  // A new address or token means the last reply no longer describes this agent.
  const resetsPolling = input.ip !== undefined || input.port !== undefined || input.agentToken !== undefined;
  try {
    return await db().server.update({
      where: { id },
      data: { ...input, ...(resetsPolling ? { appsFingerprint: null } : {}) },
      select: serverSelect,
    });
  } catch (error) {
    conflict(error, input);
  }
}

/**
 * Deletes a server with its instances. Its history stays readable: events keep their text
 * (which names the server) and version history rows keep the server and instance names.
 */
export async function deleteServer(id: number) {
  const server = await db().server.findUnique({ where: { id }, select: { id: true, name: true } });
  if (!server) throw notFound("Server");
  await db().server.delete({ where: { id } });
  return server;
}
