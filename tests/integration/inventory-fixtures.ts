// Shared set-up for the inventory router tests: callers of each role (with their user rows),
// and servers, groups and instances written with Prisma directly.
import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import { ZodError, z } from "zod";
import type { Actor } from "@/server/auth/actor";
import { roles } from "@/server/auth/roles";
import { db, Prisma } from "@/server/db";
import type { Role } from "@/server/generated/prisma/enums";
import { createContextInner } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";

export type Callers = Record<Role | "anonymous", ReturnType<typeof createCaller>> & {
  token: ReturnType<typeof createCaller>;
};

/** Creates one user per role (after a reset), and callers for them, a viewer token and no one. */
export async function callers(): Promise<Callers> {
  const result: Partial<Callers> = { anonymous: createCaller(createContextInner(null)) };
  for (const role of roles) {
    const user = await db().user.create({ data: { login: `test-${role}`, passwordHash: "x", role } });
    const actor: Actor = { kind: "user", id: user.id, login: user.login, displayName: null, role };
    result[role] = createCaller(createContextInner(actor));
  }
  result.token = createCaller(createContextInner({ kind: "token", id: 1, name: "t", role: "viewer" }));
  return result as Callers;
}

let port = 9000;
export const makeServer = (name: string, data: Partial<Prisma.ServerUncheckedCreateInput> = {}) =>
  db().server.create({ data: { name, ip: "127.0.0.1", port: port++, ...data } });

/** A group (and catalog entry) named `name`, created once. */
export async function makeGroup(name: string, data: Partial<Prisma.ApplicationGroupUncheckedCreateInput> = {}) {
  const catalog = await db().applicationCatalog.upsert({
    where: { name },
    create: { name, appType: "docker" },
    update: {},
  });
  return db().applicationGroup.upsert({
    where: { name },
    create: { name, catalogId: catalog.id, ...data },
    update: {},
  });
}

/** An instance "<group>_<n>" on the server, in that group. */
export async function makeInstance(
  serverId: number,
  group: string,
  number: number,
  data: Partial<Prisma.ApplicationInstanceUncheckedCreateInput> = {},
) {
  const g = await makeGroup(group);
  return db().applicationInstance.create({
    data: {
      serverId,
      groupId: g.id,
      catalogId: g.catalogId,
      instanceName: `${group}_${number}`,
      instanceNumber: number,
      appType: "docker",
      status: "online",
      ...data,
    },
  });
}

/** The tRPC error code a call fails with (the call must fail). */
export async function errorOf(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** The zod field errors a BAD_REQUEST carries: what the error formatter sends a form. */
export async function fieldErrors(call: Promise<unknown>): Promise<Record<string, string[] | undefined>> {
  const error = await errorOf(call);
  expect(error.code).toBe("BAD_REQUEST");
  expect(error.cause).toBeInstanceOf(ZodError);
  return z.flattenError(error.cause as ZodError).fieldErrors as Record<string, string[] | undefined>;
}
