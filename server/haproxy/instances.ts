// HAProxy instances as an admin registers them: which agent (server) serves it, its name on
// that agent, the runtime socket, whether it is synced, and which backends to poll.
import { z } from "zod";
import { db } from "../db";
import { uniqueViolation } from "../db-errors";
import { AppError, notFound } from "../errors";
import { backendFilterInput } from "./backend-filter";
import { resetBreaker } from "./breaker";
import { invalidateLive } from "./live";
import { positiveId as id } from "../../lib/schemas";

export const instanceInput = z.object({
  /** The instance's name on the agent: the {instance} of /api/haproxy/{instance}/…. */
  name: z
    .string()
    .trim()
    .min(1, "required")
    .max(100)
    .regex(/^[\p{L}\p{N}._-]+$/u, "letters, digits and . _ - only")
    .refine((v) => v !== "." && v !== "..", "cannot be . or .. (they change the agent URL)"),
  serverId: id,
  socketPath: z
    .string()
    .trim()
    .max(500)
    .nullish()
    .transform((v) => v || null),
  isActive: z.boolean().default(true),
  /** Empty = all backends; otherwise names or /regex/ entries. */
  backendFilter: backendFilterInput,
});
export type InstanceInput = z.output<typeof instanceInput>;

export const instancePatch = z.object({
  id,
  name: instanceInput.shape.name.optional(),
  serverId: id.optional(),
  socketPath: instanceInput.shape.socketPath.optional(),
  isActive: z.boolean().optional(),
  backendFilter: backendFilterInput.optional(),
});

const select = { id: true, name: true, serverId: true, socketPath: true, isActive: true, backendFilter: true } as const;

async function checked<T>(work: () => Promise<T>, input: { name?: string }): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (uniqueViolation(error) !== null)
      throw new AppError("CONFLICT", `That server already has an HAProxy instance named "${input.name}"`);
    throw error;
  }
}

async function assertServer(serverId: number | undefined) {
  if (serverId === undefined) return;
  if (!(await db().server.findUnique({ where: { id: serverId }, select: { id: true } }))) {
    throw new AppError("BAD_REQUEST", `Server ${serverId} does not exist`);
  }
}

export async function createInstance(input: InstanceInput) {
  await assertServer(input.serverId);
  const created = await checked(() => db().hAProxyInstance.create({ data: input, select }), input);
  // Flag the agent as an HAProxy node, as the inventory pages show it.
  await db().server.update({ where: { id: input.serverId }, data: { isHaproxyNode: true } });
  return created;
}

export async function updateInstance(input: z.output<typeof instancePatch>) {
  const { id, ...patch } = input;
  if (!(await db().hAProxyInstance.findUnique({ where: { id }, select: { id: true } })))
    throw notFound("HAProxy instance");
  await assertServer(patch.serverId);
  const updated = await checked(() => db().hAProxyInstance.update({ where: { id }, data: patch, select }), patch);
  if (patch.serverId !== undefined || patch.name !== undefined) {
    await resetBreaker(id); // another agent or instance: its failures are not this one's
    await invalidateLive(id);
  }
  return updated;
}

/** Deletes the instance with its backends, servers and status history; the action log stays. */
export async function deleteInstance(instanceId: number) {
  const instance = await db().hAProxyInstance.findUnique({
    where: { id: instanceId },
    select: { id: true, name: true },
  });
  if (!instance) throw notFound("HAProxy instance");
  await db().hAProxyInstance.delete({ where: { id: instanceId } }); // its breaker row goes with it
  await invalidateLive(instanceId);
  return instance;
}
