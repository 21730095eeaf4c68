// The FAgent HAProxy endpoints (docs/haproxy.md, "Agent endpoints"), written down once. `success: false` is the agent
// refusing with a message (no such backend, socket not reachable); any other shape is a broken reply.
import { z } from "zod";
import { AgentRefusal, AgentReplyError, describeIssues } from "./contract";
import {
  isDotSegment,
  MAX_HAPROXY_BACKENDS,
  MAX_INT4,
  MAX_HAPROXY_SERVERS_PER_BACKEND,
  MAX_NAME_LENGTH,
  MAX_TEXT_LENGTH,
  preview,
  unstorable,
  UNSTORABLE_MESSAGE,
} from "./limits";

// Statuses and commands live in lib/ so client components can use them without this module's zod.
export {
  HAPROXY_COMMANDS,
  HAPROXY_STATUSES,
  isKnownStatus,
  type HaproxyCommand,
  type KnownHaproxyStatus,
} from "../../lib/haproxy-status";
export { AgentRefusal };

const count = z
  .union([z.int().min(0).max(MAX_INT4), z.literal(""), z.null()])
  .optional()
  .transform((v) => (typeof v === "number" ? v : null));
const text = z
  .string()
  .max(MAX_NAME_LENGTH, `longer than ${MAX_NAME_LENGTH} characters`)
  .refine((v) => !unstorable(v), UNSTORABLE_MESSAGE)
  .nullish()
  .transform((v) => (v == null || v.trim() === "" ? null : v.trim()));

const refusal = z.object({ success: z.literal(false), error: z.string().nullish(), message: z.string().nullish() });
const refusalText = (value: string) => (value.length > MAX_TEXT_LENGTH ? `${value.slice(0, MAX_TEXT_LENGTH)}…` : value);

// Backend and server names become path segments of the agent URLs and keys of unique indexes.
// A bad one refuses the whole reply (docs/agent-contract.md, "Bounds"): a skipped backend or
// server would look removed and lose its mapping.
const name = z
  .string()
  .trim()
  .min(1)
  .max(MAX_NAME_LENGTH, `longer than ${MAX_NAME_LENGTH} characters`)
  .refine((v) => !isDotSegment(v), {
    error: (iss) => `${JSON.stringify(iss.input)} cannot be a name: it is a URL dot segment`,
  })
  .refine((v) => !unstorable(v), UNSTORABLE_MESSAGE);
// The length is checked before the entries, so an endless list costs no per-entry parsing.
const list = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z
    .array(z.unknown())
    .max(max, { error: (iss) => `more than ${max} ${what} (${String((iss.input as unknown[]).length)})` })
    .pipe(z.array(item));

export const backendsReplySchema = z.object({
  success: z.literal(true),
  backends: list(name, MAX_HAPROXY_BACKENDS, "backends"),
});

export const haproxyServerSchema = z
  .object({
    name,
    address: text,
    status: text,
    weight: count,
    current_sessions: count,
    max_sessions: count,
  })
  .transform((s) => ({
    name: s.name,
    address: s.address,
    status: s.status,
    weight: s.weight,
    currentSessions: s.current_sessions,
    maxSessions: s.max_sessions,
  }));
export type LiveServer = z.output<typeof haproxyServerSchema>;
/** A server as the agent sends it; the simulator builds replies from these. */
export type WireHaproxyServer = z.input<typeof haproxyServerSchema>;

export const serversReplySchema = z.object({
  success: z.literal(true),
  servers: list(haproxyServerSchema, MAX_HAPROXY_SERVERS_PER_BACKEND, "servers in one backend"),
});
export const commandReplySchema = z.object({
  success: z.literal(true),
  message: z
    .string()
    .nullish()
    .transform((v) => (v == null ? null : refusalText(v))),
});

function parse<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const refused = refusal.safeParse(json);
  if (refused.success)
    throw new AgentRefusal(
      refusalText(refused.data.error || refused.data.message || "the agent refused without a message"),
    );
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new AgentReplyError(`reply is not an FAgent ${what} reply: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

export const parseBackendsReply = (json: unknown): string[] => parse(backendsReplySchema, json, "backends").backends;

export function parseServersReply(json: unknown): LiveServer[] {
  const servers = parse(serversReplySchema, json, "servers").servers;
  const names = new Set<string>();
  for (const s of servers) {
    // The database keys servers by (backend, name): a second entry would be ambiguous.
    if (names.has(s.name))
      throw new AgentReplyError(`reply is not an FAgent servers reply: server ${preview(s.name)} listed twice`);
    names.add(s.name);
  }
  return servers;
}

export const parseCommandReply = (json: unknown): string | null =>
  parse(commandReplySchema, json, "command").message ?? null;
