// HAProxy instances as an admin registers them: which agent (server) serves it, its name on
// that agent, the runtime socket, whether it is synced, and which backends to poll.
import { z } from "zod";
import { changesOf } from "../audit/changes";
import type { AuditSink } from "../audit/recorder";
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

const target = (i: { id: number; name: string }) => ({ type: "haproxy_instance", id: i.id, label: i.name });

export async function createInstance(input: InstanceInput, audit?: AuditSink) {
  await assertServer(input.serverId);
  return checked(
    () =>
      db().$transaction(async (tx) => {
        const created = await tx.hAProxyInstance.create({ data: input, select });
        // Flag the agent as an HAProxy node, as the inventory pages show it.
        await tx.server.update({ where: { id: input.serverId }, data: { isHaproxyNode: true } });
        await audit?.record(tx, { target: target(created), changes: changesOf(null, created) });
        return created;
      }),
    input,
  );
}

export async function updateInstance(input: z.output<typeof instancePatch>, audit?: AuditSink) {
  const { id, ...patch } = input;
  await assertServer(patch.serverId);
  const updated = await checked(
    () =>
      db().$transaction(async (tx) => {
        const before = await tx.hAProxyInstance.findUnique({ where: { id }, select });
        if (!before) throw notFound("HAProxy instance");
        const after = await tx.hAProxyInstance.update({ where: { id }, data: patch, select });
        await audit?.record(tx, { target: target(after), changes: changesOf(before, after) });
        return after;
      }),
    patch,
  );
  if (patch.serverId !== undefined || patch.name !== undefined) {
    await resetBreaker(id); // another agent or instance: its failures are not this one's
    await invalidateLive(id);
  }
  return updated;
}

/** Deletes the instance with its backends, servers and status history; the audit log keeps its commands. */
export async function deleteInstance(instanceId: number, audit?: AuditSink) {
  const instance = await db().$transaction(async (tx) => {
    const before = await tx.hAProxyInstance.findUnique({ where: { id: instanceId }, select });
    if (!before) throw notFound("HAProxy instance");
    await tx.hAProxyInstance.delete({ where: { id: instanceId } });
    await audit?.record(tx, { target: target(before), changes: changesOf(before, null) });
    return { id: before.id, name: before.name };
  }); // its breaker row goes with it (haproxy_breakers cascades)
  await invalidateLive(instanceId);
  return instance;
}
