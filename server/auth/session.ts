// Turns a request's credentials into an Actor: a bearer API token, or the next-auth session.
import { getServerSession } from "next-auth";
import { db } from "../db";
import { actorForApiToken } from "../users/api-tokens";
import type { Actor } from "./actor";
import { authOptions } from "./next-auth";

/** The logged-in user of the current request (server components, route handlers), or null. */
export async function sessionActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions);
  const id = Number((session?.user as { id?: string } | undefined)?.id);
  return Number.isInteger(id) ? userActor(id) : null;
}

export async function userActor(id: number): Promise<Actor | null> {
  const user = await db().user.findUnique({
    where: { id },
    select: { id: true, login: true, displayName: true, role: true, disabled: true },
  });
  if (!user || user.disabled) return null;
  return { kind: "user", id: user.id, login: user.login, displayName: user.displayName, role: user.role };
}

/** The caller of an API request: `Authorization: Bearer <token>` first, then the session cookie. */
export async function requestActor(headers: Headers): Promise<Actor | null> {
  const auth = headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return actorForApiToken(auth.slice(7).trim());
  return sessionActor();
}
