// Who is calling: a logged-in user or an internal tool with an API token. Audit records
// (HAProxy actions, tasks) store `actorName` so they stay readable after the row is gone.
import type { Role } from "../generated/prisma/enums";

export type Actor =
  | { kind: "user"; id: number; login: string; displayName: string | null; role: Role }
  /** `role` is already capped by the owner's current role; `ownerId` null for a token nobody owns. */
  | { kind: "token"; id: number; name: string; role: Role; ownerId?: number | null };

export const actorName = (actor: Actor) => (actor.kind === "user" ? actor.login : `token:${actor.name}`);
