// The actor of the request being rendered, looked up once per request however many layouts,
// pages and sections ask (React's cache is per server request). Pages ask `can(action)` for what
// to show; the procedures they call still check on their own (server/trpc/init.ts).
import "server-only";
import { cache } from "react";
import type { Actor } from "./actor";
import { can as roleCan, type Action } from "./roles";
import { sessionActor } from "./session";

export const currentActor: () => Promise<Actor | null> = cache(sessionActor);

/** Whether the current request's user may perform `action`; false without a session. */
export async function can(action: Action): Promise<boolean> {
  const actor = await currentActor();
  return actor !== null && roleCan(actor.role, action);
}
