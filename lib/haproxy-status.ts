// The HAProxy vocabulary the pages share with the server: statuses AC knows and the commands it
// sends. Here rather than in the agent contract (server/agent/haproxy-contract.ts, which re-exports
// them) so a client component reading a status does not pull the contract's zod schemas into the
// browser bundle (docs/architecture.md, "UI kit").

/** The statuses AC knows; HAProxy may report others ("UP 1/3", "no check"), kept verbatim. */
export const HAPROXY_STATUSES = ["UP", "DOWN", "DRAIN", "MAINT", "NOLB"] as const;
export type KnownHaproxyStatus = (typeof HAPROXY_STATUSES)[number];
export const isKnownStatus = (status: string | null | undefined): status is KnownHaproxyStatus =>
  (HAPROXY_STATUSES as readonly string[]).includes(status ?? "");

/**
 * Out of the pool: drained or in maintenance, with whatever detail HAProxy adds ("MAINT (via be/s)",
 * "DRAIN (agent)"). A host maintenance leaves such a server alone: someone else took it out.
 */
export const isOutOfPool = (status: string | null | undefined) => /^(DRAIN|MAINT)\b/.test(status ?? "");

export const HAPROXY_COMMANDS = ["drain", "ready", "maint"] as const;
export type HaproxyCommand = (typeof HAPROXY_COMMANDS)[number];
