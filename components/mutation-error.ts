// Turns a tRPC error into what a form shows: the message, and per-field messages from zod or from
// a domain refusal that names its fields (server/errors.ts, AppError.fields).
import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/trpc/root";
import { errorMessage } from "@/lib/errors";

export type FormErrors = { message: string; fields: Record<string, string> };

export function formErrors(error: unknown): FormErrors | null {
  if (!error) return null;
  if (error instanceof TRPCClientError) {
    const trpcError = error as TRPCClientError<AppRouter>;
    const fieldErrors = (trpcError.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
    const fields = {
      ...Object.fromEntries(
        Object.entries(fieldErrors).flatMap(([field, messages]) => (messages?.[0] ? [[field, messages[0]]] : [])),
      ),
      ...trpcError.data?.fields,
    };
    const message = Object.keys(fields).length ? "Please correct the highlighted fields." : trpcError.message;
    return { message, fields };
  }
  return { message: errorMessage(error), fields: {} };
}
