// The HTTP endpoint of the API. Bounded per request (docs/api.md, "Limits"): at most
// TRPC_MAX_BATCH calls in one batch and a body of at most MAX_BODY_BYTES, so one caller cannot
// make one request do unbounded work. Unexpected errors are logged and answered with an id by
// the error formatter (server/trpc/init.ts).
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_MAX_BATCH } from "@/lib/trpc-limits";
import { readBoundedBody } from "@/server/http/bounded-body";
import { createRequestContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/root";

const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = () =>
  Response.json({ error: { message: `The request body is over ${MAX_BODY_BYTES} bytes`, code: 413 } }, { status: 413 });

async function handler(incoming: Request) {
  const read = await readBoundedBody(incoming, MAX_BODY_BYTES);
  if (read.tooLarge) return tooLarge();
  const req = read.body === null ? incoming : new Request(incoming, { body: read.body });
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH,
    createContext: () => createRequestContext(req),
  });
}

export { handler as GET, handler as POST };
