// Raw statuses the status map reads as unknown, grouped by the key an admin would map: a
// multi-word status by its first word ("Frobbing 3 hours" → "frobbing", status.ts's wordKey),
// so one entry of the map fixes them all. Instances without a raw status have nothing to map.
import type { AppKind } from "../../agent/contract";
import { db } from "../../db";

const SHOWN = 20;

export type UnknownStatus = { appType: AppKind; key: string; example: string; instances: number };

export async function unknownStatuses(): Promise<{ items: UnknownStatus[]; more: boolean }> {
  const rows = await db().$queryRaw<UnknownStatus[]>`
    SELECT app_type::text AS "appType", k.key, min(raw_status) AS example, count(*)::int AS instances
    FROM application_instances,
      LATERAL (SELECT coalesce(substring(lower(raw_status) from '^[^[:space:](]+'), lower(raw_status)) AS key) AS k
    WHERE status = 'unknown' AND raw_status IS NOT NULL
    GROUP BY app_type, k.key
    ORDER BY instances DESC, k.key, app_type
    LIMIT ${SHOWN + 1}`;
  return { items: rows.slice(0, SHOWN), more: rows.length > SHOWN };
}
