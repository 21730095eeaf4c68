import { z } from "zod";
import { db } from "../db";
import { roles } from "../auth/roles";
import { pageArgs, pageInput, pageResult } from "../pagination";
import { authorized, router } from "../trpc/init";
import { createApiToken, apiTokenSelect, revokeApiToken } from "../users/api-tokens";
import { createUser, loginSchema, passwordSchema, resetPassword, updateUser, userSelect } from "../users/users";
import { positiveId } from "../../lib/schemas";

const role = z.enum(roles);
const id = z.object({ id: positiveId });
const refreshChoices = [0, 5, 15, 30, 60] as const;

export const usersRouter = router({
  me: authorized("profile.update").query(async ({ ctx }) => {
    if (ctx.actor.kind !== "user") return { ...ctx.actor, refreshSeconds: 0 };
    const user = await db().user.findUnique({ where: { id: ctx.actor.id }, select: { refreshSeconds: true } });
    return { ...ctx.actor, refreshSeconds: user?.refreshSeconds ?? 0 };
  }),

  /** Remembers the auto-refresh interval a user picked for lists. */
  setRefreshInterval: authorized("profile.update")
    .input(z.object({ seconds: z.union(refreshChoices.map((s) => z.literal(s))) }))
    .mutation(async ({ ctx, input }) => {
      if (ctx.actor.kind !== "user") return { seconds: input.seconds };
      await db().user.update({ where: { id: ctx.actor.id }, data: { refreshSeconds: input.seconds } });
      return { seconds: input.seconds };
    }),

  list: authorized("users.manage")
    .input(pageInput.extend({ search: z.string().trim().max(100).optional() }))
    .query(async ({ input }) => {
      const where = input.search
        ? {
            OR: [
              { login: { contains: input.search, mode: "insensitive" as const } },
              { displayName: { contains: input.search, mode: "insensitive" as const } },
            ],
          }
        : {};
      const [items, total] = await Promise.all([
        db().user.findMany({ where, select: userSelect, orderBy: { login: "asc" }, ...pageArgs(input) }),
        db().user.count({ where }),
      ]);
      return pageResult(items, total, input);
    }),

  create: authorized("users.manage")
    .input(z.object({ login: loginSchema, password: passwordSchema, role, displayName: z.string().trim().max(100).optional() }))
    .mutation(({ input }) => createUser(input)),

  update: authorized("users.manage")
    .input(id.extend({ role: role.optional(), disabled: z.boolean().optional(), displayName: z.string().trim().max(100).nullable().optional() }))
    .mutation(({ ctx, input: { id, ...patch } }) =>
      updateUser(id, patch, ctx.actor.kind === "user" ? ctx.actor.id : undefined),
    ),

  resetPassword: authorized("users.manage")
    .input(id.extend({ password: passwordSchema }))
    .mutation(({ input }) => resetPassword(input.id, input.password)),
});

export const apiTokensRouter = router({
  list: authorized("tokens.manage")
    .input(pageInput.extend({ includeRevoked: z.boolean().default(false) }))
    .query(async ({ input }) => {
      const where = input.includeRevoked ? {} : { revokedAt: null };
      const [items, total] = await Promise.all([
        db().apiToken.findMany({ where, select: apiTokenSelect, orderBy: { createdAt: "desc" }, ...pageArgs(input) }),
        db().apiToken.count({ where }),
      ]);
      return pageResult(items, total, input);
    }),

  /** Returns the secret once; it cannot be read again. */
  create: authorized("tokens.manage")
    .input(z.object({ name: z.string().trim().min(2).max(100), role, expiresInDays: z.number().int().min(1).max(3650).optional() }))
    .mutation(({ ctx, input }) =>
      createApiToken({
        name: input.name,
        role: input.role,
        ownerId: ctx.actor.kind === "user" ? ctx.actor.id : undefined,
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
      }),
    ),

  revoke: authorized("tokens.manage").input(id).mutation(({ input }) => revokeApiToken(input.id)),
});
