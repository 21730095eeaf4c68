// The HTTP endpoint of the API. Bounded per request (docs/api.md, "Limits"): at most
// TRPC_MAX_BATCH calls in one batch and a body of at most MAX_BODY_BYTES, so one caller cannot
// make one request do unbounded work. Unexpected errors are logged and answered with an id by
// the error formatter (server/trpc/init.ts).
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_MAX_BATCH } from "@/lib/trpc-limits";
import { createRequestContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/root";

const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = () =>
  Response.json({ error: { message: `The request body is over ${MAX_BODY_BYTES} bytes`, code: 413 } }, { status: 413 });

/** The request with its body read, or null when the body is over the limit (declared or sent). */
async function boundedRequest(req: Request): Promise<Request | null> {
  if (!req.body) return req;
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return new Request(req, { body: Buffer.concat(chunks) });
}

async function handler(incoming: Request) {
  const req = await boundedRequest(incoming);
  if (!req) return tooLarge();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH,
    createContext: () => createRequestContext(req),
  });
}

export { handler as GET, handler as POST };
