// The server filter of the applications and events lists. A fleet of a few dozen servers gets a
// select; a larger one a text field for the server's name: a select of 2,000 servers is no use to
// anyone, and rendering it (twice: HTML and RSC payload) took half the applications page's time.
// Links into a list keep using `serverId`; the text field sends `server`.
import { idFilter } from "./list-params";
import { param, type SearchParams } from "./search-params";

/** Up to this many servers, the filter is a select. */
export const SERVER_SELECT_LIMIT = 100;

export type ServerOption = { id: number; name: string };

/**
 * `serverId` when given, else the server whose name was typed (any case). `unknown`: a name was
 * typed that no server has; the list is then empty rather than unfiltered.
 */
export type ServerFilter = { serverId?: number; name?: string; unknown: boolean };

export function readServerFilter(params: SearchParams, servers: ServerOption[]): ServerFilter {
  const id = idFilter(params, "serverId");
  if (id !== undefined) return { serverId: id, name: servers.find((s) => s.id === id)?.name, unknown: false };
  const typed = param(params, "server")?.slice(0, 100);
  if (!typed) return { unknown: false };
  const match = servers.find((s) => s.name.toLowerCase() === typed.toLowerCase());
  return match ? { serverId: match.id, name: match.name, unknown: false } : { name: typed, unknown: true };
}
