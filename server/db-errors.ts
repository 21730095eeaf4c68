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

// Connection-level failures: the database is down, restarting or unreachable (PostgreSQL's class 08
// and 57P0x codes, the socket's errno, the pg driver's own messages). Anything else is a real error.
const UNAVAILABLE_CODES =
  /^(08\d{3}|57P0[1-3]|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|P1001|P1002|P1017)$/;
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|connection (is )?closed|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down)|timeout exceeded when trying to connect|Can't reach database server/i;

/** Whether `error` says the database could not be reached (worth retrying), rather than refusing a statement. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    const { code, message, cause, originalCode } = e as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      originalCode?: unknown;
    };
    if (typeof code === "string" && UNAVAILABLE_CODES.test(code)) return true;
    if (typeof originalCode === "string" && UNAVAILABLE_CODES.test(originalCode)) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGE.test(message)) return true;
    e = cause;
  }
  return false;
}
