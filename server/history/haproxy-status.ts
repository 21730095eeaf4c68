// A HAProxy server's status over a range, as steps (docs/history.md, "Charts"): read from its
// status history (haproxy_server_status_history, a row per change, kept for
// CLEAN_HAPROXY_STATUS_HISTORY_OLDER_THAN days) rather than a sample per server per sync, which
// was 43 % of the metric history's rows at 20,000 servers (docs/performance.md, "Metric history")
// for changes that happen a few times a week. Like an instance's timeline (instance.ts).
import { config } from "../config";
import { db, Prisma } from "../db";
import { notFound } from "../errors";
import { HAPROXY_STATUS_CODES, type ChartData } from "../../lib/history";
import { haproxyStatusCode } from "./haproxy-status-code";
import { resolveRange, type RangeInput } from "./query";

/** Changes read per range at most: a flapping server's chart stays bounded. */
export const MAX_STATUS_CHANGES = 2000;

// Both through the (haproxy_server_id, changed_at) index (tests/integration/haproxy-status-chart.test.ts):
// the last change before the range is one backward step, the changes in it a bounded range scan.
// Each status is read as its step's code (haproxy-status-code.ts).
export const statusBefore = (serverId: number, from: number) => Prisma.sql`
  SELECT ${haproxyStatusCode("new_status")} AS code FROM haproxy_server_status_history
  WHERE haproxy_server_id = ${serverId} AND changed_at < ${new Date(from)}::timestamp(3)
  ORDER BY changed_at DESC LIMIT 1`;

export const statusChanges = (serverId: number, from: number, to: number) => Prisma.sql`
  SELECT ${haproxyStatusCode("old_status")} AS old_code, ${haproxyStatusCode("new_status")} AS code, changed_at
  FROM haproxy_server_status_history
  WHERE haproxy_server_id = ${serverId}
    AND changed_at >= ${new Date(from)}::timestamp(3) AND changed_at < ${new Date(to)}::timestamp(3)
  ORDER BY changed_at LIMIT ${MAX_STATUS_CHANGES}`;

export async function haproxyStatusTimeline(serverId: number, input: RangeInput): Promise<ChartData> {
  const { from, to } = resolveRange(input);
  const [server] = await db().$queryRaw<{ code: number | null; created_at: Date }[]>`
    SELECT ${haproxyStatusCode("status")} AS code, created_at FROM haproxy_servers WHERE id = ${serverId}`;
  if (!server) throw notFound("HAProxy server");
  const [before, changes] = await Promise.all([
    db().$queryRaw<{ code: number }[]>(statusBefore(serverId, from)),
    db().$queryRaw<{ old_code: number | null; code: number; changed_at: Date }[]>(statusChanges(serverId, from, to)),
  ]);
  // The status at the range's start: the last change before it, or else the status the first
  // change in the range left (its older row may be pruned), or else, with no change recorded, the
  // present one; never before the server was first seen.
  const since = Math.max(from, server.created_at.getTime());
  const startCode = before[0]?.code ?? (changes.length ? changes[0]!.old_code : server.code);
  const steps = [
    ...(startCode !== null && since < (changes[0]?.changed_at.getTime() ?? to) ? [{ at: since, code: startCode }] : []),
    ...changes.map((c) => ({ at: c.changed_at.getTime(), code: c.code })),
  ];
  const times = [...new Set([from, ...steps.map((s) => s.at), to])].sort((a, b) => a - b);
  let i = -1;
  const values = times.map((t) => {
    while (i + 1 < steps.length && steps[i + 1]!.at <= t) i++;
    return i < 0 ? null : steps[i]!.code;
  });
  return {
    resolution: "events",
    stepSeconds: 0,
    from: from / 1000,
    to: to / 1000,
    timestamps: steps.length ? times.map((t) => t / 1000) : [],
    keptDays: config().CLEAN_HAPROXY_STATUS_HISTORY_OLDER_THAN,
    series: steps.length ? [{ label: "status", values, names: [...HAPROXY_STATUS_CODES] }] : [],
  };
}
