// What an agent reports → AC's instance status (docs/agent-contract.md, "Status"). The status
// table of docs/inventory.md is kept exactly; Docker's and systemd's other states are added, and
// an admin's map (status-map.ts) takes precedence. Case and surrounding spaces do not matter;
// anything unknown, null or empty is "unknown".
import type { InstanceStatus } from "../generated/prisma/enums";

/** AC's own statuses: an agent that already speaks them is taken at its word. */
export const canonicalStatuses: readonly InstanceStatus[] = [
  "online",
  "offline",
  "unknown",
  "starting",
  "stopping",
  "no_data",
];

/** The status table of docs/inventory.md, unchanged. */
export const agentStatusMap: Readonly<Record<string, InstanceStatus>> = {
  disabled: "offline",
  enabled: "online",
  running: "online",
  stopped: "offline",
  down: "offline",
  up: "online",
  active: "online",
  inactive: "offline",
  paused: "stopping",
  pending: "starting",
};

/** Docker's container states and systemd's unit states that the status table of docs/inventory.md lacks. */
export const runtimeStatusMap: Readonly<Record<string, InstanceStatus>> = {
  exited: "offline",
  dead: "offline",
  failed: "offline",
  created: "starting",
  restarting: "starting",
  activating: "starting",
  reloading: "starting",
  deactivating: "stopping",
  removing: "stopping",
  // Docker's human Status for a container being removed is "Removal In Progress".
  removal: "stopping",
};

/** Every default key, canonical statuses included: the table docs/agent-contract.md prints. */
export const defaultStatusMap: ReadonlyMap<string, InstanceStatus> = new Map([
  ...canonicalStatuses.map((status) => [status, status] as const),
  ...Object.entries(agentStatusMap),
  ...Object.entries(runtimeStatusMap),
]);

/** The key a status is looked up by: trimmed, lower case; null when there is nothing to look up. */
export function statusKey(raw: string | null | undefined): string | null {
  const key = raw?.trim().toLowerCase();
  return key ? key : null;
}

const FIRST_WORD = /^[^\s(]+/;

/**
 * The key of a multi-word status when the whole string has no entry: Docker's human Status by
 * its first word ("exited (1) 2 minutes ago" → "exited"), systemd's "active (running)" likewise;
 * Docker writes a paused container as "Up 2 hours (Paused)", which is paused, not up.
 * Null when the status is one word (nothing shorter to try).
 */
export function wordKey(key: string): string | null {
  const word = key.endsWith("(paused)") ? "paused" : (FIRST_WORD.exec(key)?.[0] ?? null);
  return word === key ? null : word;
}

/** An admin's entries for one app type: key → status. */
export type StatusOverrides = ReadonlyMap<string, InstanceStatus>;

/**
 * The whole string first, then its first word; at each step the admin's entry before the
 * default. So an admin's entry for a word does not hide a default for a whole string.
 */
export function normalizeStatus(raw: string | null | undefined, overrides?: StatusOverrides): InstanceStatus {
  const key = statusKey(raw);
  if (!key) return "unknown";
  const lookup = (k: string) => overrides?.get(k) ?? defaultStatusMap.get(k);
  const word = wordKey(key);
  return lookup(key) ?? (word ? lookup(word) : undefined) ?? "unknown";
}
