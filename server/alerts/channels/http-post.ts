// One bounded HTTP POST for the HTTP channels: a timeout for the whole exchange, no redirects
// followed (a 3xx is a failure, so a receiver cannot send AC elsewhere), and at most
// MAX_RESPONSE_BYTES of the answer read, for the error text.
const MAX_RESPONSE_BYTES = 16 * 1024;

export class SendError extends Error {
  override name = "SendError";
  constructor(
    message: string,
    readonly code: number | null = null,
  ) {
    super(message);
  }
}

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number }> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      body,
      headers: { ...headers, "content-type": "application/json" },
      redirect: "manual",
      signal,
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new SendError(
      signal.aborted ? `no answer within ${timeoutMs / 1000} s` : `request failed: ${cause ?? String(error)}`,
    );
  }
  const text = await readBounded(response).catch(() => "");
  if (response.status >= 200 && response.status < 300) return { code: response.status };
  const snippet = text.replace(/\s+/g, " ").trim().slice(0, 200);
  throw new SendError(`the receiver answered ${response.status}${snippet ? `: ${snippet}` : ""}`, response.status);
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_RESPONSE_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString("utf8");
}
