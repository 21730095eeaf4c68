// What reaches next-auth's route (/api/auth/*), which any client can call without logging in
// (docs/security.md, "next-auth's endpoints"): its `_log` action is not served, and a body is
// read only up to AUTH_MAX_BODY_BYTES.
import { NextRequest } from "next/server";
import { readBoundedBody } from "../http/bounded-body";

/** A login form, an OIDC form_post or a sign-out is well under a kilobyte; this leaves room. */
export const AUTH_MAX_BODY_BYTES = 64 * 1024;

/**
 * next-auth's `_log` passes a posted `level`, `code` and fields straight to the server's logger:
 * anyone could write log lines and OIDC-error audit rows of their own wording, without end. AC's
 * pages never need it (next-auth/react only reports its own client errors there).
 */
const REFUSED_ACTIONS = new Set(["_log"]);

export type AuthRouteContext = { params: Promise<{ nextauth?: string[] }> };
type AuthRouteHandler = (req: NextRequest, context: AuthRouteContext) => Promise<Response>;

/** next-auth's handler behind the refusals above. */
export function guardedAuthRoute(handle: AuthRouteHandler): AuthRouteHandler {
  return async (req, context) => {
    // The action as next-auth reads it: the first segment after /api/auth/.
    const action = (await context.params).nextauth?.[0];
    if (action !== undefined && REFUSED_ACTIONS.has(action))
      return Response.json({ error: `/api/auth/${action} is not served` }, { status: 404 });
    const read = await readBoundedBody(req, AUTH_MAX_BODY_BYTES);
    if (read.tooLarge)
      return Response.json({ error: `The request body is over ${AUTH_MAX_BODY_BYTES} bytes` }, { status: 413 });
    // The body is consumed: next-auth gets a request carrying the bytes read.
    return handle(read.body === null ? req : new NextRequest(req, { body: read.body }), context);
  };
}
