// Builds tRPC once: transformer, error shape, and the procedure builders routers use.
// `authorized(action)` checks the permission table in server/auth/roles.ts: no caller gets
// UNAUTHORIZED, a caller without the role gets FORBIDDEN.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import "../../lib/zod-messages";
import { can, permissions, type Action } from "../auth/roles";
import { logUnexpectedError, unexpectedErrorMessage } from "../error-report";
import { AppError } from "../errors";
import { TRPC_MAX_BATCH } from "../../lib/trpc-limits";
import { auditOutcome, auditRefused, newCallAudit } from "./audit-middleware";
import type { Context } from "./context";

// Every procedure names its action in meta, so the role matrix test can check all of them.
const t = initTRPC
  .context<Context>()
  .meta<{ action?: Action }>()
  .create({
    transformer: superjson,
    // Subscriptions (server-sent events): a comment every 10 s keeps proxies from closing a quiet
    // stream, and a client that hears nothing for 30 s reconnects (docs/operations.md, "Proxies and live pages").
    sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
    errorFormatter({ shape, error, path }) {
      // A 500 is a bug or an outage: logged with an id, answered with the id only (no message, no stack).
      const errorId =
        error.code === "INTERNAL_SERVER_ERROR" ? logUnexpectedError(`tRPC ${path ?? "?"}`, error.cause ?? error) : null;
      // tRPC's own refusal of an over-long batch does not name the limit.
      const batchTooLong = error.code === "BAD_REQUEST" && error.message === "Batch call exceeds maximum size";
      const { stack, ...data } = shape.data;
      return {
        ...shape,
        message: errorId
          ? unexpectedErrorMessage(errorId)
          : batchTooLong
            ? `A request may batch at most ${TRPC_MAX_BATCH} calls; send fewer at once`
            : shape.message,
        data: {
          ...data,
          ...(errorId || stack === undefined ? {} : { stack }),
          zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
          // A domain refusal that names its fields (AppError.fields): the form marks each one.
          fields: error.cause instanceof AppError ? (error.cause.fields ?? null) : null,
          errorId,
        },
      };
    },
  });

/** Domain errors become TRPCErrors with the same message; anything else stays a 500. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapDomainErrors);

/**
 * A procedure for one action of the permission table. A mutation writes one audit row, refused
 * calls included (server/trpc/audit-middleware.ts); it gets `ctx.audit` to write that row in its
 * own transaction with before → after (docs/audit.md, "Adding an audited mutation").
 */
export function authorized(action: Action) {
  return publicProcedure.meta({ action }).use(async ({ ctx, next, getRawInput, type, path }) => {
    if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in or send an API token" });
    const actor = ctx.actor;
    if (!can(actor.role, action)) {
      const message = `This needs the ${permissions[action]} role; you are ${actor.role}`;
      if (type === "mutation")
        await auditRefused(ctx, actor, path, await getRawInput().catch(() => undefined), message);
      throw new TRPCError({ code: "FORBIDDEN", message });
    }
    const audit = newCallAudit(ctx, actor, path);
    const result = await next({ ctx: { actor, audit } });
    if (type === "mutation") await auditOutcome(audit, actor, getRawInput, result);
    return result;
  });
}
