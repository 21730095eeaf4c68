// An unexpected error is logged once, whole, under a short id; the client gets only the id, so a
// database message, a path or a URL never reaches a browser or an unauthenticated caller
// (docs/operations.md, "Errors and logs"). Operators find the details by grepping the log for the id.
import { randomBytes } from "node:crypto";
import { redactUrlCredentials } from "./security/redact-url";

/** Logs `error` with where it happened and returns the id to show instead of its message. */
export function logUnexpectedError(where: string, error: unknown): string {
  const id = randomBytes(6).toString("hex");
  const details = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  console.error(`[ac] error ${id} in ${where}: ${redactUrlCredentials(details)}`);
  return id;
}

/** The message a client sees for an unexpected error. */
export const unexpectedErrorMessage = (id: string) =>
  `Something went wrong on the server (error id ${id}); the details are in AC's log.`;

/**
 * The message to store where users read it (a task step's, a HAProxy sync's or command's, a job's
 * error): an expected failure's own message (an agent's answer, a refused step), anything else
 * logged under an id.
 */
export function messageForUsers(where: string, error: unknown, expected: boolean): string {
  if (expected && error instanceof Error) return error.message;
  return `internal error (error id ${logUnexpectedError(where, error)}; the details are in AC's log)`;
}
