// Who is calling: a logged-in user or an internal tool with an API token. Audit records
// (HAProxy actions, tasks) store `actorName` so they stay readable after the row is gone.
import type { Role } from "../generated/prisma/enums";

export type Actor =
  | { kind: "user"; id: number; login: string; displayName: string | null; role: Role }
  | { kind: "token"; id: number; name: string; role: Role };

export const actorName = (actor: Actor) => (actor.kind === "user" ? actor.login : `token:${actor.name}`);
