// Every mutation built with `authorized(...)` writes exactly one audit row (docs/audit.md):
// refused (the role check failed), failure (the procedure threw), or success — the procedure's
// own row written in its transaction through `ctx.audit`, or a generic one written here. Queries
// are not audited.
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Actor } from "../auth/actor";
import { auditActor } from "../audit/entry";
import { CallAudit } from "../audit/recorder";
import { recordRefusal } from "../audit/refusals";
import { fromInput } from "../audit/targets";
import { AppError } from "../errors";
import type { Context } from "./context";

const report = (what: string, error: unknown) =>
  console.error(`[ac] audit: ${what} could not be written: ${error instanceof Error ? error.message : String(error)}`);

/** The message of a failed call as the caller saw it; an unexpected error's text stays in the server log. */
function failureMessage(error: TRPCError): string {
  if (error.cause instanceof ZodError)
    return `Invalid input: ${error.cause.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")}`;
  if (error.cause instanceof AppError || error.code !== "INTERNAL_SERVER_ERROR") return error.message;
  return "Unexpected error (see the server log)";
}

export const newCallAudit = (ctx: Context, actor: Actor, path: string) =>
  new CallAudit(auditActor(actor), path, ctx.request);

/** The refused row of a caller without the role; a write failure is logged, the call still refused. */
export async function auditRefused(ctx: Context, actor: Actor, path: string, rawInput: unknown, message: string) {
  const audit = newCallAudit(ctx, actor, path);
  try {
    const known = await fromInput(path, rawInput, actor);
    await recordRefusal({
      actor: audit.actor,
      action: path,
      outcome: "refused",
      error: message,
      target: known?.target ?? null,
      details: known && Object.keys(known.facts).length > 0 ? known.facts : null,
      request: ctx.request,
    });
  } catch (error) {
    report(`the refusal of ${path}`, error);
  }
}

type Result = { ok: true } | { ok: false; error: TRPCError };

/** After the procedure ran: the success row if it recorded none, or the failure row. */
export async function auditOutcome(audit: CallAudit, actor: Actor, rawInput: () => Promise<unknown>, result: Result) {
  try {
    // The procedure's own row is committed: it is the one row of this call.
    if (await audit.recordedRowExists()) return;
    if (!audit.target?.id) {
      const known = await fromInput(audit.action, await rawInput().catch(() => undefined), actor);
      if (known) audit.describe({ target: { ...known.target, ...dropEmpty(audit.target) } });
    }
    if (result.ok) await audit.writeOwn("success", null);
    else {
      const code = result.error.cause instanceof AppError ? result.error.cause.code : result.error.code;
      await audit.writeOwn(code === "FORBIDDEN" ? "refused" : "failure", failureMessage(result.error));
    }
  } catch (error) {
    // The change is made (or the failure already answered): a lost row is logged loudly, not turned into an error.
    report(`the ${result.ok ? "success" : "failure"} row of ${audit.action}`, error);
  }
}

const dropEmpty = (target: CallAudit["target"]) =>
  target ? Object.fromEntries(Object.entries(target).filter(([, v]) => v != null)) : {};
