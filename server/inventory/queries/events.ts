// The event log. An event's description names its server and instance, so it stays readable
// after either is deleted (its links then become null).
import { z } from "zod";
import { db, Prisma } from "../../db";
import { EventType } from "../../generated/prisma/enums";
import { pageArgs, pageInput, pageResult } from "../../pagination";
import { positiveId } from "../../../lib/schemas";

export const eventSelect = {
  id: true,
  timestamp: true,
  eventType: true,
  description: true,
  status: true,
  server: { select: { id: true, name: true } },
  instance: { select: { id: true, instanceName: true } },
} satisfies Prisma.EventSelect;

export const eventListInput = pageInput
  .extend({
    type: z.enum(EventType, { error: `must be one of ${Object.values(EventType).join(", ")}` }).optional(),
    serverId: positiveId.optional(),
    instanceId: positiveId.optional(),
    /** Inclusive bounds of the event time. */
    from: z.date({ error: "must be a date" }).optional(),
    to: z.date({ error: "must be a date" }).optional(),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, {
    path: ["to"],
    message: "must not be before the start of the range",
  });

export async function listEvents(input: z.output<typeof eventListInput>) {
  const where: Prisma.EventWhereInput = {
    ...(input.type ? { eventType: input.type } : {}),
    ...(input.serverId ? { serverId: input.serverId } : {}),
    ...(input.instanceId ? { instanceId: input.instanceId } : {}),
    ...(input.from || input.to ? { timestamp: { gte: input.from, lte: input.to } } : {}),
  };
  const [items, total] = await Promise.all([
    db().event.findMany({
      where,
      select: eventSelect,
      orderBy: [{ timestamp: "desc" }, { id: "desc" }],
      ...pageArgs(input),
    }),
    db().event.count({ where }),
  ]);
  return pageResult(items, total, input);
}

export type EventItem = Prisma.EventGetPayload<{ select: typeof eventSelect }>;
