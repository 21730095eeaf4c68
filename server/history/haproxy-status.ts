// A HAProxy server's status over a range, as steps (docs/history.md, "Charts"): read from its
// status history (haproxy_server_status_history, a row per change, kept for
// CLEAN_HAPROXY_STATUS_HISTORY_OLDER_THAN days) rather than a sample per server per sync, which
// was 43 % of the metric history's rows at 20,000 servers (docs/performance.md, "Metric history")
// for changes that happen a few times a week. Like an instance's timeline (instance.ts).
import { config } from "../config";
import { db, Prisma } from "../db";
import { notFound } from "../errors";
import { HAPROXY_STATUS_CODES, type ChartData } from "../../lib/history";
import { resolveRange, type RangeInput } from "./query";

/** Changes read per range at most: a flapping server's chart stays bounded. */
export const MAX_STATUS_CHANGES = 2000;

/** A stored status's step: its leading word's code ("UP 1/3" is UP), anything else "other". */
export function haproxyStatusCode(status: string): number {
  const code = HAPROXY_STATUS_CODES.indexOf(/^[A-Z]+/.exec(status)?.[0] as (typeof HAPROXY_STATUS_CODES)[number]);
  return code < 0 ? HAPROXY_STATUS_CODES.length - 1 : code;
}

// Both through the (haproxy_server_id, changed_at) index (tests/integration/haproxy-status-chart.test.ts):
// the last change before the range is one backward step, the changes in it a bounded range scan.
export const statusBefore = (serverId: number, from: number) => Prisma.sql`
  SELECT new_status FROM haproxy_server_status_history
  WHERE haproxy_server_id = ${serverId} AND changed_at < ${new Date(from)}::timestamp(3)
  ORDER BY changed_at DESC LIMIT 1`;

export const statusChanges = (serverId: number, from: number, to: number) => Prisma.sql`
  SELECT old_status, new_status, changed_at FROM haproxy_server_status_history
  WHERE haproxy_server_id = ${serverId}
    AND changed_at >= ${new Date(from)}::timestamp(3) AND changed_at < ${new Date(to)}::timestamp(3)
  ORDER BY changed_at LIMIT ${MAX_STATUS_CHANGES}`;

export async function haproxyStatusTimeline(serverId: number, input: RangeInput): Promise<ChartData> {
  const { from, to } = resolveRange(input);
  const server = await db().hAProxyServer.findUnique({
    where: { id: serverId },
    select: { status: true, createdAt: true },
  });
  if (!server) throw notFound("HAProxy server");
  const [before, changes] = await Promise.all([
    db().$queryRaw<{ new_status: string }[]>(statusBefore(serverId, from)),
    db().$queryRaw<{ old_status: string | null; new_status: string; changed_at: Date }[]>(
      statusChanges(serverId, from, to),
    ),
  ]);
  // The status at the range's start: the last change before it, or else the status the first
  // change in the range left (its older row may be pruned), or else, with no change recorded, the
  // present one; never before the server was first seen.
  const since = Math.max(from, server.createdAt.getTime());
  const startStatus = before[0]?.new_status ?? (changes.length ? changes[0]!.old_status : server.status);
  const steps = [
    ...(startStatus && since < (changes[0]?.changed_at.getTime() ?? to) ? [{ at: since, status: startStatus }] : []),
    ...changes.map((c) => ({ at: c.changed_at.getTime(), status: c.new_status })),
  ];
  const times = [...new Set([from, ...steps.map((s) => s.at), to])].sort((a, b) => a - b);
  let i = -1;
  const values = times.map((t) => {
    while (i + 1 < steps.length && steps[i + 1]!.at <= t) i++;
    return i < 0 ? null : haproxyStatusCode(steps[i]!.status);
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
