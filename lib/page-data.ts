// Server pages: a missing record is a 404 page, not an error page.
import "server-only";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";

/** Resolves the call, or renders the not-found page when the record does not exist. */
export async function orNotFound<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

/** The numeric id of a dynamic route segment, or the not-found page for anything else. */
export function idParam(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) notFound();
  return id;
}
