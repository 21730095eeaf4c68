// Bounds on what an agent may send, in one place (docs/agent-contract.md, "Bounds"). Every list
// and string of the agent contracts is capped so one hostile or broken agent can only fail its
// own server: a name too long for a btree index entry (PostgreSQL refuses index rows over ~2.7 kB)
// would otherwise break that server's every poll, and an endless list would fill AC's memory.

/** Names are keys of unique indexes (instances, groups, catalog, HAProxy backends and servers). 255
 *  UTF-16 units are at most 765 bytes of UTF-8, far below PostgreSQL's btree row limit. */
export const MAX_NAME_LENGTH = 255;
/** Any other text (paths, image, version, URLs): Linux's PATH_MAX. Stored, never indexed. */
export const MAX_TEXT_LENGTH = 4096;
/** Counts and pids are stored in 4-byte integer columns. */
export const MAX_INT4 = 2_147_483_647;
/** Longest status AC accepts from an agent; also the longest key of the admin's status map. */
export const STATUS_MAX_LENGTH = 100;
/** Apps of one server, all kinds together: far above any real host (the benchmarks use 25–50). */
export const MAX_APPS_PER_REPLY = 5000;
/** Backends of one HAProxy instance, and servers of one backend. */
export const MAX_HAPROXY_BACKENDS = 5000;
export const MAX_HAPROXY_SERVERS_PER_BACKEND = 5000;
/** Servers of one instance in one sync, all backends together: what one transaction stores. */
export const MAX_HAPROXY_SERVERS_PER_SYNC = 50_000;

/** Bytes each reply may buffer before it must reserve from AGENT_MAX_BYTES_IN_FLIGHT: ordinary
 *  replies (a few kilobytes per dozen apps) never wait behind a hostile agent's large ones. */
export const REPLY_FREE_BYTES = 256 * 1024;

/** PostgreSQL refuses U+0000 in text and lone UTF-16 surrogates in JSON (the store passes rows as
 *  JSON): a string with either would fail the whole write of its server. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const unstorable = (value: string) => value.includes("\0") || LONE_SURROGATE.test(value);
export const UNSTORABLE_MESSAGE = "contains a NUL character or a lone surrogate, which the database cannot store";
/** For messages that may quote agent bytes (JSON errors, an error page): NUL made visible, lone surrogates replaced. */
export const storableText = (value: string) =>
  value.replace(/\0/g, "\\0").replace(new RegExp(LONE_SURROGATE.source, "g"), "\uFFFD");

/** A string quoted for an error message, cut so an agent cannot make our messages huge. */
export function preview(value: string, max = 60): string {
  return value.length <= max
    ? JSON.stringify(value)
    : `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)`;
}

/** "." and ".." are path segments URL parsers resolve away: as a backend or server name they would
 *  send an HAProxy command to another endpoint of the agent. */
export const isDotSegment = (value: string) => value === "." || value === "..";
