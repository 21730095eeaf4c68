// The FAgent HTTP client the poller uses. Every failure becomes an AgentError whose kind the
// poller stores and whose message says what the operator should check.
import { Agent, request, type Dispatcher } from "undici";
import type { Config } from "@/server/config";
import { ByteBudget, sharedByteBudget } from "./byte-budget";
import { AgentRefusal, AgentReplyError, parseAppsReply, type AppsReply } from "./contract";
import { isDotSegment, REPLY_FREE_BYTES, storableText, unstorable } from "./limits";

export type AgentTarget = { ip: string; port: number; agentToken?: string | null };
export type AgentClientOptions = {
  timeoutMs: number;
  maxResponseBytes: number;
  tokenHeader: string;
  /** Tests may pass their own; the poller uses the shared one. */
  dispatcher?: Dispatcher;
  /** Bytes of replies buffered at once across all requests; tests may pass their own. */
  budget?: ByteBudget;
};
/**
 * `refused`: the agent answered but said no (`success: false` of the HAProxy endpoints).
 * `invalid_request`: AC did not send the request (a name that cannot be a URL path segment).
 */
export const AGENT_ERROR_KINDS = [
  "timeout",
  "unreachable",
  "http",
  "too_large",
  "invalid_json",
  "invalid_reply",
  "refused",
  "invalid_request",
] as const;
export type AgentErrorKind = (typeof AGENT_ERROR_KINDS)[number];

export class AgentError extends Error {
  override name = "AgentError";
  constructor(
    readonly kind: AgentErrorKind,
    /** "ip:port" of the agent, for log lines. */
    readonly agent: string,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    // Messages are stored on the server row and may quote the agent's bytes (docs/agent-contract.md, "Bounds").
    super(storableText(message), { cause: options?.cause });
    this.status = options?.status;
  }
  readonly status: number | undefined;
}

export function clientOptionsFromConfig(
  c: Pick<
    Config,
    "CONNECTION_TIMEOUT" | "AGENT_MAX_RESPONSE_BYTES" | "AGENT_MAX_BYTES_IN_FLIGHT" | "AGENT_TOKEN_HEADER"
  >,
): AgentClientOptions {
  return {
    timeoutMs: c.CONNECTION_TIMEOUT * 1000,
    maxResponseBytes: c.AGENT_MAX_RESPONSE_BYTES,
    tokenHeader: c.AGENT_TOKEN_HEADER,
    budget: sharedByteBudget(c.AGENT_MAX_BYTES_IN_FLIGHT, REPLY_FREE_BYTES),
  };
}

/** "127.0.0.5:9100", "[::1]:9100": the host part of an agent URL, IPv6 literals bracketed. */
export function agentHost(target: Pick<AgentTarget, "ip" | "port">): string {
  const ip = target.ip.replace(/^\[(.*)\]$/, "$1");
  // A zone id (fe80::1%eth0) must be percent-encoded inside the brackets (RFC 6874).
  return ip.includes(":") ? `[${ip.replace(/%/g, "%25")}]:${target.port}` : `${ip}:${target.port}`;
}

export function agentUrl(target: Pick<AgentTarget, "ip" | "port">, path: string): string {
  return `http://${agentHost(target)}${path.startsWith("/") ? path : `/${path}`}`;
}

/**
 * A name (HAProxy instance, backend, server) as one path segment of an agent URL. Encoding keeps
 * "/", "?", "#" and "%2e" inside the segment; "." and ".." are refused, because URL parsing
 * resolves them and the request would reach another endpoint (docs/agent-contract.md, "Bounds").
 */
export function pathSegment(target: Pick<AgentTarget, "ip" | "port">, value: string): string {
  // encodeURIComponent throws on a lone surrogate: such a name cannot be sent either.
  const encoded = value === "" || isDotSegment(value) || unstorable(value) ? null : encodeURIComponent(value);
  if (encoded === null) {
    const who = agentHost(target);
    throw new AgentError(
      "invalid_request",
      who,
      `agent ${who}: ${JSON.stringify(value)} cannot be sent as a name in a URL`,
    );
  }
  return encoded;
}

// One pool per agent origin. HAProxy reads ask an agent for a few backends at once, so an origin
// gets up to 4 sockets, kept alive between the requests of one sync and let go between syncs so
// thousands of idle sockets do not pile up.
let shared: Agent | undefined;
export function agentDispatcher(): Agent {
  shared ??= new Agent({ connections: 4, pipelining: 1, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 30_000 });
  return shared;
}

/**
 * The poll's own dispatcher: a server is polled by one poll at a time (ping, then apps), so one
 * socket per origin is all it uses, and `connections: 1` makes undici keep a bare Client per
 * origin instead of a Pool around one: half the CPU per agent (docs/performance.md, "Polling").
 */
export const newPollDispatcher = () =>
  new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 30_000 });
let pollShared: Agent | undefined;
const pollDispatcher = () => (pollShared ??= newPollDispatcher());

/** Resolves when the agent answers /ping with 2xx. */
export async function pingAgent(target: AgentTarget, options: AgentClientOptions): Promise<void> {
  await get(target, "/ping", options);
}

/** The agent's apps; entries that break the contract come back in `rejected`. */
export async function fetchApps(target: AgentTarget, options: AgentClientOptions): Promise<AppsReply> {
  return decodeAppsReply(await fetchAppsRaw(target, options), target);
}

/** The apps reply as bytes, size-checked: the poller fingerprints it to skip unchanged servers. */
export function fetchAppsRaw(target: AgentTarget, options: AgentClientOptions): Promise<Buffer> {
  return get(target, "/api/v1/apps", options);
}

export const decodeAppsReply = (body: Buffer, target: Pick<AgentTarget, "ip" | "port">): AppsReply =>
  decodeReply(body, target, parseAppsReply);

/**
 * Bytes → JSON → a contract's parser, for every agent endpoint: each failure becomes an AgentError
 * of the same kinds and message shape (invalid_json, invalid_reply, refused).
 */
export function decodeReply<T>(body: Buffer, target: Pick<AgentTarget, "ip" | "port">, parse: (json: unknown) => T): T {
  const who = agentHost(target);
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new AgentError(
      "invalid_json",
      who,
      `agent ${who}: reply is not valid JSON (${(error as Error).message.slice(0, 200)})`,
      { cause: error },
    );
  }
  try {
    return parse(json);
  } catch (error) {
    if (error instanceof AgentRefusal)
      throw new AgentError("refused", who, `agent ${who}: ${error.message}`, { cause: error });
    if (error instanceof AgentReplyError)
      throw new AgentError("invalid_reply", who, `agent ${who}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** One request, its reply size-limited and decoded by the contract's parser. */
export async function fetchReply<T>(
  target: AgentTarget,
  path: string,
  options: AgentClientOptions,
  parse: (json: unknown) => T,
  method: "GET" | "POST" = "GET",
): Promise<T> {
  return decodeReply(await requestAgent(target, path, options, method), target, parse);
}

/** A request of the poll (ping, apps): on the poll's dispatcher unless the caller brings one. */
const get = (target: AgentTarget, path: string, options: AgentClientOptions) =>
  requestAgent(target, path, options.dispatcher ? options : { ...options, dispatcher: pollDispatcher() });

/** One request to the agent, size-limited, every failure an AgentError (the HAProxy client uses it too). */
export async function requestAgent(
  target: AgentTarget,
  path: string,
  options: AgentClientOptions,
  method: "GET" | "POST" = "GET",
): Promise<Buffer> {
  const who = agentHost(target);
  const fail: Fail = (kind, message, extra) => new AgentError(kind, who, message, extra);
  // One deadline for connect, headers and body together: a trickling agent must not hold a slot.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  const attempt = () => receive(target, path, options, deadline.signal, fail, method);
  try {
    // A kept-alive socket the agent has closed meanwhile (restart, its idle timeout) fails at
    // once; a GET is safe to send again, once, on a fresh connection.
    return await attempt().catch((error: unknown) =>
      method === "GET" && !deadline.signal.aborted && STALE_SOCKET.has(errorCode(error) ?? "")
        ? attempt()
        : Promise.reject(error),
    );
  } catch (error) {
    if (error instanceof AgentError) throw error;
    if (deadline.signal.aborted)
      throw fail("timeout", `agent ${who} did not answer within ${formatMs(options.timeoutMs)}`, { cause: error });
    throw unreachable(error, fail, who, target.port);
  } finally {
    clearTimeout(timer);
  }
}
const STALE_SOCKET = new Set(["UND_ERR_SOCKET", "ECONNRESET"]);

async function receive(
  target: AgentTarget,
  path: string,
  options: AgentClientOptions,
  signal: AbortSignal,
  fail: Fail,
  method: "GET" | "POST",
): Promise<Buffer> {
  const who = agentHost(target);
  const headers: Record<string, string> = { accept: "application/json" };
  if (target.agentToken) headers[options.tokenHeader] = target.agentToken;
  const dispatcher = options.dispatcher ?? agentDispatcher();
  const res = await request(agentUrl(target, path), { method, headers, dispatcher, signal });
  if (res.statusCode < 200 || res.statusCode > 299) {
    const detail = await snippet(res.body);
    const hint =
      res.statusCode === 401 || res.statusCode === 403
        ? `: the agent token (${options.tokenHeader}) is missing or wrong`
        : "";
    throw fail("http", `agent ${who} answered HTTP ${res.statusCode}${hint}${detail ? ` (${detail})` : ""}`, {
      status: res.statusCode,
    });
  }
  const tooLarge = () =>
    fail("too_large", `agent ${who}: reply larger than ${formatBytes(options.maxResponseBytes)} refused`);
  const length = Number(res.headers["content-length"]);
  if (length > options.maxResponseBytes) {
    res.body.destroy();
    throw tooLarge();
  }
  // Past its free share a reply reserves, in one piece, all it may still need: its Content-Length,
  // else the per-reply limit (docs/agent-contract.md, "Bounds").
  const budget = options.budget;
  let release: (() => void) | undefined;
  const reserve = async (total: number) => {
    try {
      release = await budget!.reserve(total - budget!.freeBytes, signal);
    } catch (error) {
      const why = `AC's budget of reply bytes in flight (${formatBytes(budget!.capacity)}, AGENT_MAX_BYTES_IN_FLIGHT)`;
      throw fail(
        "timeout",
        `agent ${who}: a ${formatBytes(total)} reply waited past the deadline (${formatMs(options.timeoutMs)}) for ${why}`,
        { cause: error },
      );
    }
  };
  try {
    if (budget && length > budget.freeBytes) await reserve(length);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxResponseBytes) throw tooLarge();
      if (budget && size > budget.freeBytes && !release) await reserve(options.maxResponseBytes);
      chunks.push(chunk);
    }
    // Most replies arrive in one chunk: no copy then.
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  } catch (error) {
    res.body.destroy();
    throw error;
  } finally {
    release?.();
  }
}

type Fail = (kind: AgentErrorKind, message: string, extra?: { cause?: unknown; status?: number }) => AgentError;

function unreachable(error: unknown, fail: Fail, who: string, port: number): AgentError {
  const code = errorCode(error);
  const cause = { cause: error };
  switch (code) {
    case "ECONNREFUSED":
      return fail(
        "unreachable",
        `agent ${who} refused the connection: is FAgent running and listening on port ${port}?`,
        cause,
      );
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return fail(
        "unreachable",
        `agent ${who} is unreachable (${code}): check the address and the network path`,
        cause,
      );
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return fail("unreachable", `agent ${who} closed the connection before answering`, cause);
    case "UND_ERR_CONNECT_TIMEOUT":
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return fail("timeout", `agent ${who} did not answer in time (${code})`, cause);
    default:
      return fail(
        "unreachable",
        `agent ${who} cannot be reached: ${(error as Error).message ?? String(error)}${code ? ` (${code})` : ""}`,
        cause,
      );
  }
}

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === "string" ? code : undefined;
}

/** The first few hundred bytes of an error reply: agents often say there what went wrong. */
async function snippet(body: Dispatcher.ResponseData["body"]): Promise<string> {
  let text = "";
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      text += chunk.toString("utf8");
      if (text.length >= 200) break;
    }
  } catch {
    // The status is the news; a broken error body adds nothing to it.
  } finally {
    body.destroy();
  }
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export function formatBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}
