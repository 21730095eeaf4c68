// A request body read up to a limit. Next.js hands a route handler the request's stream as it
// comes, with no size limit of its own (its proxy's limit applies only to routes the proxy runs
// for, and proxy.ts skips /api/): a route that reads a body must bound it itself, or one client
// sending gigabytes fills the process's memory (docs/security.md, "Bounded work per caller").

export type BoundedBody = { tooLarge: true } | { tooLarge: false; body: Buffer<ArrayBuffer> | null };

/**
 * The body when it is at most `maxBytes`, declared (Content-Length) or sent; past that `tooLarge`,
 * and reading stops at the chunk that crossed the limit. `body` null: the request has none.
 */
export async function readBoundedBody(req: Request, maxBytes: number): Promise<BoundedBody> {
  if (!req.body) return { tooLarge: false, body: null };
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) return { tooLarge: true };
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) return { tooLarge: true }; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return { tooLarge: false, body: Buffer.concat(chunks) };
}
