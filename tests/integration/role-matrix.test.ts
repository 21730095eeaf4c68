// Every procedure of the API against every kind of caller: no caller → UNAUTHORIZED, a role
// below the procedure's action → FORBIDDEN, enough role → past the role check. The list of
// procedures is read from the router itself, so a new procedure is covered the day it lands.
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { can, permissions, roles, type Action } from "@/server/auth/roles";
import { db } from "@/server/db";
import type { Role } from "@/server/generated/prisma/enums";
import { createContextInner } from "@/server/trpc/context";
import { appRouter, createCaller } from "@/server/trpc/root";

type AnyProcedure = { _def: { meta?: { action?: Action }; type: string } };
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);

const userIds: Partial<Record<Role, number>> = {};
beforeAll(async () => {
  for (const role of roles) {
    const user = await db().user.create({ data: { login: `matrix-${role}`, passwordHash: "x", role } });
    userIds[role] = user.id;
  }
});

async function callAs(role: Role | null, path: string) {
  const actor = role
    ? { kind: "user" as const, id: userIds[role]!, login: `matrix-${role}`, displayName: null, role }
    : null;
  let target: unknown = createCaller(createContextInner(actor));
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  try {
    // No input on purpose: the role check runs before input validation.
    await (target as (input?: unknown) => Promise<unknown>)(undefined);
    return "ok";
  } catch (error) {
    return error instanceof TRPCError ? error.code : "other";
  }
}

describe("role matrix", () => {
  it("covers a known set of procedures, each naming an action of the permission table", () => {
    expect(procedures.length).toBeGreaterThan(5);
    for (const [path, procedure] of procedures) {
      expect(procedure._def.meta?.action, `${path} has no action`).toBeDefined();
      expect(Object.keys(permissions)).toContain(procedure._def.meta!.action);
    }
  });

  it.each(procedures.map(([path]) => [path]))("%s: no caller is UNAUTHORIZED", async (path) => {
    expect(await callAs(null, path)).toBe("UNAUTHORIZED");
  });

  for (const role of roles) {
    it.each(procedures.map(([path, p]) => [path, p._def.meta!.action!]))(`%s as ${role}`, async (path, action) => {
      const result = await callAs(role, path);
      if (can(role, action)) expect(result).not.toMatch(/^(FORBIDDEN|UNAUTHORIZED)$/);
      else expect(result).toBe("FORBIDDEN");
    });
  }
});
