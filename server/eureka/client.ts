// The Eureka REST calls an update task makes (docs/update-tasks.md, "Eureka"; Netflix's "Eureka
// REST operations"): read an app's instances, put an OUT_OF_SERVICE override, remove it again.
// Only configured servers (urls.ts), one deadline per call, replies read up to a size limit, no
// redirects followed (undici's request follows none), Basic credentials from AC's environment.
import { Agent, request, type Dispatcher } from "undici";
import { z } from "zod";
import { redactUrlCredentials } from "../security/redact-url";
import { eurekaUrl, type EurekaBase } from "./urls";

export type EurekaOptions = { timeoutMs: number; username?: string; password?: string };

/** An app's registry reply is a few KB per instance; a larger one is refused. */
const MAX_REPLY_BYTES = 4 * 1024 * 1024;

export class EurekaError extends Error {
  override name = "EurekaError";
}

let shared: Dispatcher | undefined;
const dispatcher = () => (shared ??= new Agent({ connections: 4, keepAliveTimeout: 10_000 }));

async function readCapped(body: AsyncIterable<Buffer>, where: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_REPLY_BYTES) throw new EurekaError(`${where}: reply larger than 4 MB refused`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/** One call; resolves with the body of a 2xx reply, anything else is a EurekaError saying what happened. */
async function call(method: "GET" | "PUT" | "DELETE", url: string, options: EurekaOptions): Promise<string> {
  const where = `Eureka ${method} ${redactUrlCredentials(url)}`;
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64")}`;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const res = await request(url, { method, headers, signal, dispatcher: dispatcher() });
    if (res.statusCode < 200 || res.statusCode > 299) {
      const text = (await readCapped(res.body as AsyncIterable<Buffer>, where).catch(() => "")).slice(0, 200);
      const hint = res.statusCode === 401 || res.statusCode === 403 ? " (check AC_EUREKA_USERNAME / _PASSWORD)" : "";
      throw new EurekaError(
        `${where} answered HTTP ${res.statusCode}${hint}${text ? `: ${text.replace(/\s+/g, " ")}` : ""}`,
      );
    }
    return await readCapped(res.body as AsyncIterable<Buffer>, where);
  } catch (error) {
    if (error instanceof EurekaError) throw error;
    if (signal.aborted) throw new EurekaError(`${where}: no answer within ${options.timeoutMs / 1000} s`);
    const code = (error as { code?: string }).code;
    throw new EurekaError(`${where} failed: ${(error as Error).message}${code ? ` (${code})` : ""}`);
  }
}

// Eureka's JSON (XStream): `instance` is an array, or a lone object when the app has one;
// `port` is {"$": 8080, "@enabled": "true"}. Unknown fields are ignored.
const portSchema = z.union([z.object({ $: z.coerce.number() }).transform((p) => p.$), z.coerce.number()]);
// Every field is bounded: what the registry sends is quoted in a step's error, which is stored and
// shown to viewers (docs/security.md).
const instanceSchema = z.object({
  instanceId: z.string().max(512).optional(),
  hostName: z.string().max(512).optional(),
  ipAddr: z.string().max(64).optional(),
  port: portSchema.optional(),
  status: z.string().max(64).optional(),
});
const MAX_INSTANCES = 10_000;
const appReplySchema = z.object({
  application: z.object({
    instance: z
      .union([z.array(instanceSchema).max(MAX_INSTANCES), instanceSchema])
      .transform((i) => (Array.isArray(i) ? i : [i])),
  }),
});
export type RegisteredInstance = { id: string; ipAddr: string | null; port: number | null; status: string | null };

/** The app's instances as the registry lists them (`id`: instanceId, else hostName as in Eureka 1.x). */
export async function appInstances(
  base: EurekaBase,
  app: string,
  options: EurekaOptions,
): Promise<RegisteredInstance[]> {
  const url = eurekaUrl(base, app);
  let json: unknown;
  try {
    json = JSON.parse(await call("GET", url, options));
  } catch (error) {
    if (error instanceof EurekaError) throw error;
    throw new EurekaError(`Eureka ${url}: the reply is not JSON`);
  }
  const parsed = appReplySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (${issue.path.join(".")}: ${issue.message})` : "";
    throw new EurekaError(`Eureka ${url}: the reply is not an application with instances${where}`);
  }
  return parsed.data.application.instance.flatMap((i) => {
    const id = i.instanceId ?? i.hostName;
    return id ? [{ id, ipAddr: i.ipAddr ?? null, port: i.port ?? null, status: i.status ?? null }] : [];
  });
}

/** PUT …/status?value=OUT_OF_SERVICE: the registry's override, kept across the instance's re-registration. */
export const takeOutOfService = (base: EurekaBase, app: string, id: string, options: EurekaOptions) =>
  call("PUT", eurekaUrl(base, app, id, "OUT_OF_SERVICE"), options).then(() => undefined);

/** DELETE …/status?value=UP: the override is removed and the instance's own status (UP) counts again. */
export const removeOverride = (base: EurekaBase, app: string, id: string, options: EurekaOptions) =>
  call("DELETE", eurekaUrl(base, app, id, "UP"), options).then(() => undefined);
