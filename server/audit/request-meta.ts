// Where a call came from, for its audit row: client address (server/http/client-address.ts),
// user agent and a request id. All from headers, so all validated and bounded here.
import { randomUUID } from "node:crypto";
import { requestClientAddress } from "../http/client-address";
import { AUDIT_BOUNDS, bounded } from "./entry";

export type RequestMeta = { clientAddress: string | null; userAgent: string | null; requestId: string };

/** A request id a proxy in front of AC may send; anything else gets a fresh one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

type HeaderSource = Headers | Record<string, unknown> | undefined;

const header = (headers: HeaderSource, name: string): string | null => {
  const value = headers instanceof Headers ? headers.get(name) : headers?.[name];
  return typeof value === "string" ? value : null;
};

export function requestMeta(headers: HeaderSource): RequestMeta {
  const address = requestClientAddress(headers);
  const requestId = header(headers, "x-request-id");
  // Control characters out: the agent string is shown on pages and exported as CSV.
  const userAgent = header(headers, "user-agent")?.replace(/[\u0000-\u001f\u007f]/g, " ");
  return {
    clientAddress: address === "unknown" ? null : address,
    userAgent: bounded(userAgent || null, AUDIT_BOUNDS.userAgent),
    requestId: requestId && REQUEST_ID.test(requestId) ? requestId : randomUUID(),
  };
}

/** A call made inside the process (a test, a script): no address, a fresh id. */
export const internalRequest = (): RequestMeta => ({ clientAddress: null, userAgent: null, requestId: randomUUID() });
