// An operator's "Poll now": one server or the whole fleet, outside the schedule. Runs the same
// pipeline as the scheduler (poll-cycle.ts); a server already being polled is joined, not polled twice.
import { z } from "zod";
import { db } from "../db";
import { notFound } from "../errors";
import { pollServers } from "./poll-cycle";
import { positiveId } from "../../lib/schemas";

export const pollNowInput = z
  .object({
    serverId: positiveId.optional(),
    all: z.literal(true, { error: "must be true" }).optional(),
  })
  .refine((v) => (v.serverId === undefined) !== (v.all === undefined), {
    message: "Give either serverId (one server) or all: true (every server), not both",
  });

export async function pollNow(input: z.output<typeof pollNowInput>) {
  if (input.serverId !== undefined) {
    const server = await db().server.findUnique({ where: { id: input.serverId }, select: { id: true } });
    if (!server) throw notFound("Server");
    return pollServers({ ids: [server.id] });
  }
  return pollServers();
}
