import { z } from "zod";
import { REFRESH_CHOICE_MESSAGE, refreshChoices } from "../../lib/refresh-choices";
import { roles } from "../auth/roles";
import { pageInput } from "../pagination";
import { positiveId } from "../../lib/schemas";
import { authorized, router } from "../trpc/init";
import { createApiToken, listApiTokens, revokeApiToken } from "../users/api-tokens";
import {
  createUser,
  listUsers,
  loginSchema,
  passwordSchema,
  refreshSeconds,
  resetPassword,
  setRefreshSeconds,
  updateUser,
} from "../users/users";

const role = z.enum(roles);
const id = z.object({ id: positiveId });
const refreshChoice = z.union(
  refreshChoices.map((s) => z.literal(s)),
  { error: REFRESH_CHOICE_MESSAGE },
);

export const usersRouter = router({
  me: authorized("profile.update").query(async ({ ctx }) => ({
    ...ctx.actor,
    refreshSeconds: ctx.actor.kind === "user" ? await refreshSeconds(ctx.actor.id) : 0,
  })),

  /** Remembers how a user's lists refresh: Live (0), Off (-1) or every N seconds (lib/refresh-choices.ts). */
  setRefreshInterval: authorized("profile.update")
    .input(z.object({ seconds: refreshChoice }))
    .mutation(async ({ ctx, input }) => {
      if (ctx.actor.kind === "user") {
        const before = await refreshSeconds(ctx.actor.id);
        await setRefreshSeconds(ctx.actor.id, input.seconds);
        ctx.audit.describe({ changes: { refreshSeconds: { from: before, to: input.seconds } } });
      }
      return { seconds: input.seconds };
    }),

  list: authorized("users.manage")
    .input(pageInput.extend({ search: z.string().trim().max(100).optional() }))
    .query(({ input }) => listUsers(input)),

  create: authorized("users.manage")
    .input(
      z.object({
        login: loginSchema,
        password: passwordSchema,
        role,
        displayName: z.string().trim().max(100).optional(),
      }),
    )
    .mutation(({ input, ctx }) => createUser(input, ctx.audit)),

  update: authorized("users.manage")
    .input(
      id.extend({
        role: role.optional(),
        disabled: z.boolean().optional(),
        displayName: z.string().trim().max(100).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input: { id, ...patch } }) =>
      updateUser(id, patch, ctx.actor.kind === "user" ? ctx.actor.id : undefined, ctx.audit),
    ),

  resetPassword: authorized("users.manage")
    .input(id.extend({ password: passwordSchema }))
    .mutation(({ input, ctx }) => resetPassword(input.id, input.password, ctx.audit)),
});

export const apiTokensRouter = router({
  list: authorized("tokens.manage")
    .input(pageInput.extend({ includeRevoked: z.boolean().default(false) }))
    .query(({ input }) => listApiTokens(input)),

  /** Returns the secret once; it cannot be read again. */
  create: authorized("tokens.manage")
    .input(
      z.object({
        name: z.string().trim().min(2).max(100),
        role,
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      createApiToken({
        name: input.name,
        role: input.role,
        // A token made by a token belongs to that token's owner, so it is capped by the same user.
        ownerId: (ctx.actor.kind === "user" ? ctx.actor.id : ctx.actor.ownerId) ?? undefined,
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
        audit: ctx.audit,
      }),
    ),

  revoke: authorized("tokens.manage")
    .input(id)
    .mutation(({ input, ctx }) => revokeApiToken(input.id, ctx.audit)),
});
