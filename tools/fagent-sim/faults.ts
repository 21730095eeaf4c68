// Faults an agent can be given, and the broken replies they produce. `down` and `slow` act on
// the connection for every route; the reply faults replace the /api/v1/apps reply only, so the
// agent still answers /ping like a live agent whose data is bad.
import { z } from "zod";

export const faultCommandSchema = z.discriminatedUnion("fault", [
  z.object({ fault: z.literal("down") }),
  z.object({ fault: z.literal("up") }),
  z.object({ fault: z.literal("slow"), ms: z.int().min(0).max(600_000) }),
  z.object({ fault: z.literal("http500") }),
  z.object({ fault: z.literal("brokenJson") }),
  z.object({ fault: z.literal("wrongShape") }),
  z.object({ fault: z.literal("badEntry") }),
  /** A reply of `mb` megabytes, streamed; `declareLength` also sends its Content-Length up front. */
  z.object({
    fault: z.literal("oversize"),
    mb: z.number().positive().max(1024),
    declareLength: z.boolean().default(false),
  }),
  z.object({ fault: z.literal("clear") }),
]);
export type FaultCommand = z.input<typeof faultCommandSchema>;

export type ReplyFault = Exclude<z.output<typeof faultCommandSchema>, { fault: "down" | "up" | "slow" | "clear" }>;
export type Faults = { down: boolean; slowMs: number; reply: ReplyFault | null };
export const noFaults = (): Faults => ({ down: false, slowMs: 0, reply: null });

/** Applies a command; `clear` lifts everything, including `down`. */
export function applyFault(faults: Faults, input: FaultCommand): Faults {
  const cmd = faultCommandSchema.parse(input);
  switch (cmd.fault) {
    case "down":
      return { ...faults, down: true };
    case "up":
      return { ...faults, down: false };
    case "slow":
      return { ...faults, slowMs: cmd.ms };
    case "clear":
      return noFaults();
    default:
      return { ...faults, reply: cmd };
  }
}

export type Reply =
  { status: number; body: Buffer } | { status: number; stream: () => AsyncIterable<Buffer>; length?: number };

export const json = (status: number, value: unknown): Reply => ({ status, body: Buffer.from(JSON.stringify(value)) });

/** The broken reply for a reply fault; `appsJson` is the agent's good reply as an object. */
export function faultReply(fault: ReplyFault, appsJson: () => Record<string, unknown>): Reply {
  switch (fault.fault) {
    case "http500":
      return json(500, { error: "internal error: docker daemon did not answer" });
    case "brokenJson":
      return {
        status: 200,
        body: Buffer.from('{"server": {"docker-app": {"applications": [{"container_name": "web_1", '),
      };
    case "wrongShape":
      // What an old agent sends: the groups without the "server" wrapper.
      return json(200, (appsJson().server as Record<string, unknown>) ?? {});
    case "badEntry":
      return json(200, withBadEntry(appsJson()));
    case "oversize":
      return oversize(fault.mb, fault.declareLength);
  }
}

/** The first entry gets a port that is a string; a new docker entry is added when there is none. */
function withBadEntry(reply: Record<string, unknown>): Record<string, unknown> {
  const groups = reply.server as Record<string, { applications: Record<string, unknown>[] }>;
  const group = Object.values(groups).find((g) => g.applications.length > 0);
  if (group) group.applications[0] = { ...group.applications[0], port: "80/tcp" };
  else groups["docker-app"] = { applications: [{ container_name: "bad-entry_1", port: "80/tcp" }] };
  return reply;
}

/** A valid JSON reply of `mb` MB (an ignored padding field), produced chunk by chunk. */
function oversize(mb: number, declareLength: boolean): Reply {
  const head = Buffer.from('{"server":{},"padding":"');
  const tail = Buffer.from('"}');
  const total = Math.max(Math.round(mb * 1024 * 1024), head.length + tail.length);
  const chunk = Buffer.alloc(64 * 1024, "x");
  async function* stream() {
    yield head;
    for (let left = total - head.length - tail.length; left > 0; left -= chunk.length) {
      yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    }
    yield tail;
  }
  return { status: 200, stream, length: declareLength ? total : undefined };
}
