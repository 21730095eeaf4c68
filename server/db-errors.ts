// Reading Prisma's errors in one place. With the pg driver adapter, Prisma 7 puts the violated
// constraint under meta.driverAdapterError.cause.constraint rather than meta.target.
import { Prisma } from "./db";

/** The columns (or index name) of a violated unique constraint, or null for any other error. */
export function uniqueViolation(error: unknown): string | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2002") return null;
  const meta = error.meta as
    | { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[]; index?: string } } } }
    | undefined;
  const constraint = meta?.driverAdapterError?.cause?.constraint;
  return String(constraint?.fields?.join(",") ?? constraint?.index ?? meta?.target ?? "");
}
