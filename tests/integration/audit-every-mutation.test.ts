// The audit contract (docs/audit.md), for every mutation of the router: a call ends with exactly
// one audit row naming its actor and target type — failure when it fails, refused when the role
// is missing; a transaction that fails after recording leaves only the failure row. The list of
// mutations is read from the router, so a new one is covered the day it lands.
import { beforeAll, describe, expect, it } from "vitest";
import { hasProcedureTarget } from "@/server/audit/targets";
import type { Actor } from "@/server/auth/actor";
import { can, type Action } from "@/server/auth/roles";
import { db } from "@/server/db";
import { AppError } from "@/server/errors";
import { createContextInner } from "@/server/trpc/context";
import { authorized, createCallerFactory, router } from "@/server/trpc/init";
import { appRouter, createCaller } from "@/server/trpc/root";
import { internalRequest } from "@/server/audit/request-meta";

type AnyProcedure = { _def: { meta?: { action?: Action }; type: string } };
const mutations = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>)
  .filter(([, p]) => p._def.type === "mutation")
  .map(([path, p]) => ({ path, action: p._def.meta!.action! }));

const actors: Record<"admin" | "viewer", Actor> = {} as never;
beforeAll(async () => {
  for (const role of ["admin", "viewer"] as const) {
    const user = await db().user.create({ data: { login: `audit-${role}`, passwordHash: "x", role } });
    actors[role] = { kind: "user", id: user.id, login: user.login, displayName: null, role };
  }
});

/** Calls `path` with `input`; returns the rows of that one call (by its request id). */
async function callAndRows(actor: Actor, path: string, input: unknown) {
  const request = internalRequest();
  let target: unknown = createCaller(createContextInner(actor, request));
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  const outcome = await (target as (i: unknown) => Promise<unknown>)(input).then(
    () => "ok",
    () => "error",
  );
  const rows = await db().auditEntry.findMany({ where: { requestId: request.requestId } });
  return { outcome, rows };
}

describe("every mutation is audited", () => {
  it("finds the mutations, and each names its target type in server/audit/targets.ts", () => {
    expect(mutations.length).toBeGreaterThan(20);
    for (const m of mutations) expect(hasProcedureTarget(m.path), `${m.path} has no audit target`).toBe(true);
  });

  it.each(mutations.map((m) => [m.path]))("%s: a failed call writes one failure row", async (path) => {
    // No input: the call fails validation, after the role check.
    const { outcome, rows } = await callAndRows(actors.admin, path, undefined);
    expect(outcome).toBe("error");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: path,
      outcome: "failure",
      actorKind: "user",
      actorId: actors.admin.id,
      actorName: "audit-admin",
      userId: actors.admin.id,
      targetType: expect.any(String),
      error: expect.stringMatching(/^Invalid input: /),
    });
  });

  const refused = mutations.filter((m) => !can("viewer", m.action));
  it.each(refused.map((m) => [m.path]))("%s: a viewer's call is refused and writes one refused row", async (path) => {
    // A caller of its own per call: refusals are audited up to a limit per caller (security-errors.test.ts).
    const viewer = { ...actors.viewer, login: `viewer-${path}` };
    const { outcome, rows } = await callAndRows(viewer, path, { id: 1 });
    expect(outcome).toBe("error");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: path, outcome: "refused", actorName: viewer.login, changes: null });
    expect(rows[0]!.error).toMatch(/needs the (operator|admin) role/);
  });

  it("a query writes no row", async () => {
    const before = await db().auditEntry.count();
    await createCaller(createContextInner(actors.admin)).servers.list({});
    expect(await db().auditEntry.count()).toBe(before);
  });
});

describe("the row of a failed transaction", () => {
  // A procedure that records its success row in its transaction, then fails before committing.
  const testRouter = router({
    lateFailure: authorized("servers.manage").mutation(async ({ ctx }) => {
      await db().$transaction(async (tx) => {
        const server = await tx.server.create({ data: { name: "doomed", ip: "127.0.0.9", port: 9 } });
        await ctx.audit.record(tx, { target: { type: "server", id: server.id, label: server.name } });
        throw new AppError("CONFLICT", "failed after recording");
      });
    }),
    recordsOnce: authorized("servers.manage").mutation(async ({ ctx }) => {
      await ctx.audit.record(db(), { target: { type: "server", label: "kept" } });
    }),
  });
  const caller = (request = internalRequest()) =>
    createCallerFactory(testRouter)(createContextInner(actors.admin, request));

  it("rolls back with the change: only a failure row remains, none claiming success", async () => {
    const request = internalRequest();
    await expect(caller(request).lateFailure()).rejects.toThrow("failed after recording");
    expect(await db().server.count({ where: { name: "doomed" } })).toBe(0);
    const rows = await db().auditEntry.findMany({ where: { requestId: request.requestId } });
    expect(rows.map((r) => [r.outcome, r.error, r.targetType])).toEqual([
      ["failure", "failed after recording", "server"],
    ]);
  });

  it("a recorded row is the call's one row: the middleware adds none", async () => {
    const request = internalRequest();
    await caller(request).recordsOnce();
    const rows = await db().auditEntry.findMany({ where: { requestId: request.requestId } });
    expect(rows.map((r) => [r.outcome, r.targetLabel])).toEqual([["success", "kept"]]);
  });
});
