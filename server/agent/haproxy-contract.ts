// The FAgent HAProxy endpoints (seed 001), written down once. `success: false` is the agent
// refusing with a message (no such backend, socket not reachable); any other shape is a broken reply.
import { z } from "zod";
import { AgentReplyError, describeIssues } from "./contract";

// Statuses and commands live in lib/ so client components can use them without this module's zod.
export { HAPROXY_COMMANDS, HAPROXY_STATUSES, isKnownStatus, type HaproxyCommand, type KnownHaproxyStatus } from "../../lib/haproxy-status";

/** The agent said no: its message is what the operator reads. */
export class AgentRefusal extends Error {
  override name = "AgentRefusal";
}

const count = z
  .union([z.int().min(0), z.literal(""), z.null()])
  .optional()
  .transform((v) => (typeof v === "number" ? v : null));
const text = z
  .string()
  .nullish()
  .transform((v) => (v == null || v.trim() === "" ? null : v.trim()));

const refusal = z.object({ success: z.literal(false), error: z.string().nullish(), message: z.string().nullish() });

export const backendsReplySchema = z.object({ success: z.literal(true), backends: z.array(z.string().trim().min(1)) });

export const haproxyServerSchema = z
  .object({
    name: z.string().trim().min(1),
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

export const serversReplySchema = z.object({ success: z.literal(true), servers: z.array(haproxyServerSchema) });
export const commandReplySchema = z.object({ success: z.literal(true), message: z.string().nullish() });

function parse<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const refused = refusal.safeParse(json);
  if (refused.success) throw new AgentRefusal(refused.data.error || refused.data.message || "the agent refused without a message");
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new AgentReplyError(`reply is not an FAgent ${what} reply: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

export const parseBackendsReply = (json: unknown): string[] => parse(backendsReplySchema, json, "backends").backends;

export function parseServersReply(json: unknown): LiveServer[] {
  const servers = parse(serversReplySchema, json, "servers").servers;
  const names = new Set<string>();
  for (const s of servers) {
    // The database keys servers by (backend, name): a second entry would be ambiguous.
    if (names.has(s.name)) throw new AgentReplyError(`reply is not an FAgent servers reply: server ${JSON.stringify(s.name)} listed twice`);
    names.add(s.name);
  }
  return servers;
}

export const parseCommandReply = (json: unknown): string | null => parse(commandReplySchema, json, "command").message ?? null;
