// The status table as polling uses it: the defaults of status.ts plus the admins' entries
// (table status_mappings). A poll cycle loads it once, not once per server or instance
// (docs/performance.md); its version goes into each reply's fingerprint, so a changed map is
// applied to every server at the next poll even when the agents' replies did not change.
import { createHash } from "node:crypto";
import type { AppKind } from "../agent/contract";
import { db } from "../db";
import type { InstanceStatus } from "../generated/prisma/enums";
import { normalizeStatus, type StatusOverrides } from "./status";

/** What an admin may map a status to: no_data is AC's own (the agent does not answer), and
 * mapping to unknown would change nothing. */
export const mappableStatuses = [
  "online",
  "offline",
  "starting",
  "stopping",
] as const satisfies readonly InstanceStatus[];
export type MappableStatus = (typeof mappableStatuses)[number];

export type StatusMapEntry = { appType: AppKind; rawStatus: string; status: InstanceStatus };

export type StatusMap = {
  /** "" without admin entries, so fingerprints stay those of the bare defaults. */
  version: string;
  normalize(appType: AppKind, raw: string | null | undefined): InstanceStatus;
};

export function buildStatusMap(entries: readonly StatusMapEntry[]): StatusMap {
  const byType = new Map<string, Map<string, InstanceStatus>>();
  for (const entry of entries) {
    const forType = byType.get(entry.appType) ?? byType.set(entry.appType, new Map()).get(entry.appType)!;
    forType.set(entry.rawStatus, entry.status);
  }
  const canonical = entries.map((e) => `${e.appType}\u0000${e.rawStatus}\u0000${e.status}`).sort();
  return {
    version: canonical.length ? createHash("sha1").update(canonical.join("\n")).digest("hex") : "",
    normalize: (appType, raw) => normalizeStatus(raw, byType.get(appType) as StatusOverrides | undefined),
  };
}

export const defaultOnlyStatusMap = buildStatusMap([]);

/** One query; the table is small (MAX_STATUS_MAPPINGS rows at most). */
export async function loadStatusMap(): Promise<StatusMap> {
  const rows = await db().statusMapping.findMany({
    where: { appType: { in: ["docker", "site", "service"] } },
    select: { appType: true, rawStatus: true, status: true },
  });
  return buildStatusMap(rows as StatusMapEntry[]);
}
