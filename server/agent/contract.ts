// The FAgent `/api/v1/apps` contract, written down once (docs/agent-contract.md explains it).
// The envelope is checked strictly and a wrong one fails the whole reply; entries are checked one
// at a time so a single bad app is skipped with a reason instead of hiding the server's others.
import { z } from "zod";
import { parseEntryFast } from "./contract-fast";
import { parseIsoDateTime, readIsoDateTime } from "./iso-date";
import {
  MAX_APPS_PER_REPLY,
  MAX_INT4,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
  preview,
  STATUS_MAX_LENGTH,
  unstorable,
  UNSTORABLE_MESSAGE,
} from "./limits";

export const APP_KINDS = ["docker", "site", "service"] as const;
export type AppKind = (typeof APP_KINDS)[number];

/** Key of each kind's group in the reply, and the field that names an entry of that kind. */
export const groupKey = (kind: AppKind) => `${kind}-app` as const;
export const nameField = { docker: "container_name", site: "name", service: "name" } as const;

/** Agents fill unknown text with "" as often as with null; both mean "not known". */
const text = z
  .string()
  .max(MAX_TEXT_LENGTH)
  .refine((v) => !unstorable(v), UNSTORABLE_MESSAGE)
  .nullish()
  .transform((v) => (v == null || v.trim() === "" ? null : v));
const name = z
  .string()
  .trim()
  .min(1, "required")
  .max(MAX_NAME_LENGTH)
  .refine((v) => !unstorable(v), UNSTORABLE_MESSAGE);

// Tolerated forms (docs/agent-contract.md): agents written in shell send numbers as strings,
// others send versions as JSON numbers. Each is accepted, converted and counted per server
// (countCoercions); anything else is still a type error that skips the entry.
const INTEGER_STRING = /^-?\d{1,16}$/;
const quote = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
const fail = (ctx: z.RefinementCtx, input: unknown, message: string) => {
  ctx.issues.push({ code: "custom", input, message });
  return z.NEVER;
};
/** An integer, or a string of one ("8080"); the column is a PostgreSQL integer, hence the top. */
const integer = (min: number, max = MAX_INT4) =>
  z
    .custom<number | string | null | undefined>(() => true)
    .optional()
    .transform((v, ctx): number | null => {
      if (v == null) return null;
      if (typeof v === "string" && !INTEGER_STRING.test(v.trim()))
        return fail(ctx, v, `expected integer, got string ${quote(v)}`);
      if (typeof v !== "string" && typeof v !== "number") return fail(ctx, v, `expected integer, got ${typeOf(v)}`);
      const n = Number(v);
      if (!Number.isInteger(n)) return fail(ctx, v, `expected integer, got ${typeOf(v)}`);
      if (n < min) return fail(ctx, v, `must be >= ${min}, got ${JSON.stringify(v)}`);
      if (n > max) return fail(ctx, v, `must be <= ${max}, got ${JSON.stringify(v)}`);
      return n;
    });
const port = integer(0, 65535);
const pid = integer(0);
/** true / false, or "true" / "false" in any case. */
const flag = z
  .custom<boolean | string | null | undefined>(() => true)
  .optional()
  .transform((v, ctx): boolean | null => {
    if (v == null || typeof v === "boolean") return v ?? null;
    const word = typeof v === "string" ? v.trim().toLowerCase() : null;
    if (word === "true" || word === "false") return word === "true";
    return fail(ctx, v, `expected boolean, got ${typeof v === "string" ? `string ${quote(v)}` : typeOf(v)}`);
  });
/** Text, or a JSON number written as JavaScript writes it (1.4 → "1.4"; 1.10 arrives as 1.1). */
const versionText = z
  .custom<string | number | null | undefined>(() => true)
  .optional()
  .transform((v, ctx): string | null => {
    if (typeof v === "number") return String(v); // JSON has no NaN or Infinity
    if (v != null && typeof v !== "string") return fail(ctx, v, `expected string, got ${typeOf(v)}`);
    if (v != null && v.length > MAX_TEXT_LENGTH) return fail(ctx, v, `longer than ${MAX_TEXT_LENGTH} characters`);
    if (v != null && unstorable(v)) return fail(ctx, v, UNSTORABLE_MESSAGE);
    return v == null || v.trim() === "" ? null : v;
  });
export { STATUS_MAX_LENGTH };
/** Kept as sent, trimmed, for the status table (server/inventory/status.ts) to normalise. */
const status = text.pipe(
  z.string().trim().max(STATUS_MAX_LENGTH, `longer than ${STATUS_MAX_LENGTH} characters`).nullable(),
);

/** The JSON type of each tolerated form, per field; what countCoercions counts. */
const toleratedForms = { port: "string", pid: "string", eureka_registered: "string", version: "number" } as const;
export type Coercions = Partial<Record<keyof typeof toleratedForms, number>>;

export { parseIsoDateTime };
const startTime = z
  .string()
  .max(100)
  .nullish()
  .transform((v, ctx) => {
    if (v == null || v.trim() === "") return null;
    const date = parseIsoDateTime(v.trim());
    if (date) return date;
    const message = readIsoDateTime(v.trim())
      ? `must be between 0001-01-01 and 9999-12-31 (UTC), got ${JSON.stringify(v)}`
      : `expected an ISO-8601 date-time, got ${JSON.stringify(v)}`;
    ctx.issues.push({ code: "custom", input: v, message });
    return z.NEVER;
  });

const runtime = { version: versionText, ip: text, port, pid, start_time: startTime, status };

export const dockerAppSchema = z
  .object({
    ...runtime,
    container_name: name,
    container_id: text,
    compose_project_dir: text,
    image: text,
    tag: text,
    eureka_url: text,
    eureka_registered: flag,
  })
  .transform((a) => ({
    appType: "docker" as const,
    instanceName: a.container_name,
    containerId: a.container_id,
    containerName: a.container_name,
    composeProjectDir: a.compose_project_dir,
    image: a.image,
    tag: a.tag,
    ...camelRuntime(a),
    eurekaUrl: a.eureka_url,
    eurekaRegistered: a.eureka_registered,
  }));

const hostedAppFields = { ...runtime, name, path: text, log_path: text, distr_path: text };
const hostedApp = <K extends "site" | "service">(kind: K) =>
  z.object(hostedAppFields).transform((a) => ({
    appType: kind,
    instanceName: a.name,
    name: a.name,
    path: a.path,
    logPath: a.log_path,
    distrPath: a.distr_path,
    ...camelRuntime(a),
  }));
export const siteAppSchema = hostedApp("site");
export const serviceAppSchema = hostedApp("service");
export const appSchemas = { docker: dockerAppSchema, site: siteAppSchema, service: serviceAppSchema } as const;

type Runtime = z.output<z.ZodObject<typeof runtime>>;
function camelRuntime(a: Runtime) {
  return { version: a.version, ip: a.ip, port: a.port, pid: a.pid, startTime: a.start_time, status: a.status };
}

export type DockerApp = z.output<typeof dockerAppSchema>;
export type SiteApp = z.output<typeof siteAppSchema>;
export type ServiceApp = z.output<typeof serviceAppSchema>;
export type ParsedApp = DockerApp | SiteApp | ServiceApp;
/** One entry as an agent sends it (snake_case); the simulator builds replies from these. */
export type WireApp<K extends AppKind = AppKind> = z.input<(typeof appSchemas)[K]> & Record<string, unknown>;

const group = z.object({ applications: z.array(z.unknown()) }).nullish();
export const appsReplySchema = z.object({
  server: z.object({ "docker-app": group, "site-app": group, "service-app": group }),
});

export type RejectedApp = { kind: AppKind; index: number; name: string | null; reason: string };
/** coercions: per field, how many accepted entries sent it in a tolerated form. */
export type AppsReply = { apps: ParsedApp[]; rejected: RejectedApp[]; coercions: Coercions };

/** The reply is not an FAgent apps reply at all (wrong envelope); nothing of it is usable. */
export class AgentReplyError extends Error {
  override name = "AgentReplyError";
}

/** The agent said no (`success: false` of the HAProxy endpoints): its message is what the operator reads. */
export class AgentRefusal extends Error {
  override name = "AgentRefusal";
}

type Envelope = z.output<typeof appsReplySchema>;

/** The envelope, checked by hand when plainly right (as the entries, contract-fast.ts), else by zod for its message. */
function readEnvelope(json: unknown): Envelope {
  const server = (json as { server?: unknown } | null)?.server;
  const plain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const groupOk = (g: unknown) => g == null || (plain(g) && Array.isArray(g.applications));
  if (plain(json) && plain(server) && APP_KINDS.every((kind) => groupOk(server[groupKey(kind)]))) {
    return { server } as Envelope;
  }
  const envelope = appsReplySchema.safeParse(json, { error: message });
  if (!envelope.success) {
    throw new AgentReplyError(`reply is not an FAgent apps reply: ${describeIssues(envelope.error.issues)}`);
  }
  return envelope.data;
}

export function parseAppsReply(json: unknown): AppsReply {
  const { server } = readEnvelope(json);
  // Refused whole rather than cut: apps past a cut would look vanished (docs/agent-contract.md, "Bounds").
  const total = APP_KINDS.reduce((n, kind) => n + (server[groupKey(kind)]?.applications.length ?? 0), 0);
  if (total > MAX_APPS_PER_REPLY) {
    throw new AgentReplyError(`reply lists ${total} apps; AC reads at most ${MAX_APPS_PER_REPLY} per server`);
  }
  const apps: ParsedApp[] = [];
  const rejected: RejectedApp[] = [];
  const coercions: Coercions = {};
  for (const kind of APP_KINDS) {
    const seen = new Set<string>();
    server[groupKey(kind)]?.applications.forEach((raw, index) => {
      const reject = (why: string) => {
        const name = rawName(kind, raw);
        const where = `${groupKey(kind)}[${index}]${name === null ? "" : ` ${preview(name)}`}`;
        // A name over the bound can match no stored instance, so it names nothing to keep.
        const known = name !== null && name.length <= MAX_NAME_LENGTH ? name : null;
        rejected.push({ kind, index, name: known, reason: `${where}: ${why}` });
      };
      // Most entries are plainly valid: read by hand; zod judges the rest and words every rejection.
      let app = parseEntryFast(kind, raw);
      if (!app) {
        const entry = appSchemas[kind].safeParse(raw, { error: message });
        if (!entry.success) return reject(describeIssues(entry.error.issues));
        app = entry.data;
      }
      // The inventory keys instances by (kind, name): a second entry with the same name is ambiguous.
      if (seen.has(app.instanceName)) return reject(`duplicate ${nameField[kind]}, first entry kept`);
      seen.add(app.instanceName);
      apps.push(app);
      countCoercions(kind, raw as Record<string, unknown>, coercions);
    });
  }
  return { apps, rejected, coercions };
}

const toleratedFormList = Object.entries(toleratedForms) as [keyof typeof toleratedForms, string][];
/** An accepted entry whose field has the tolerated form's JSON type was converted: count it. */
function countCoercions(kind: AppKind, raw: Record<string, unknown>, into: Coercions) {
  for (const [field, form] of toleratedFormList) {
    if (field === "eureka_registered" && kind !== "docker") continue; // not a field of site and service entries
    if (typeof raw[field] === form) into[field] = (into[field] ?? 0) + 1;
  }
}

function rawName(kind: AppKind, raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null) return null;
  const value = (raw as Record<string, unknown>)[nameField[kind]];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/** "port: expected integer, got string; pid: must be >= 0, got -1" (one message per field, the first few). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], max = 5): string {
  const byPath = new Map<string, string>();
  for (const issue of issues) {
    const path = issue.path.map(String).join(".");
    if (!byPath.has(path)) byPath.set(path, path ? `${path}: ${issue.message}` : issue.message);
  }
  const all = [...byPath.values()];
  // A reply with a million bad entries must not make a message of a million lines.
  return all.length > max ? `${all.slice(0, max).join("; ")}; and ${all.length - max} more` : all.join("; ");
}

/** Per-parse messages: short, and naming what was received, so an operator can fix the agent. */
const message: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined) return "required";
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}, got ${typeOf(issue.input)}`;
    case "too_big":
      if (issue.origin === "string")
        return `longer than ${String(issue.maximum)} characters (${String((issue.input as string).length)})`;
      return `must be <= ${String(issue.maximum)}, got ${JSON.stringify(issue.input)}`;
    case "too_small":
      return issue.origin === "string"
        ? "required"
        : `must be >= ${String(issue.minimum)}, got ${JSON.stringify(issue.input)}`;
    default:
      return undefined;
  }
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && !Number.isInteger(value)) return `number ${value}`;
  return typeof value;
}
