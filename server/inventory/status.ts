// The status table (docs/inventory.md, "Status table"): what an agent reports → AC's instance status.
// Case and surrounding spaces do not matter; anything unknown, null or empty is "unknown".
import type { InstanceStatus } from "../generated/prisma/enums";

const canonical: readonly InstanceStatus[] = ["online", "offline", "unknown", "starting", "stopping", "no_data"];

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

export function normalizeStatus(raw: string | null | undefined): InstanceStatus {
  const value = raw?.trim().toLowerCase();
  if (!value) return "unknown";
  if ((canonical as readonly string[]).includes(value)) return value as InstanceStatus;
  return agentStatusMap[value] ?? "unknown";
}
