// An application instance's timeline (docs/history.md, "Charts"): its status and its version as
// steps over a range, from the records that already hold them — the status carried by its events
// and its version history — rather than a sample per instance per poll, which would be the
// largest series of all (50,000 instances a minute) for changes that happen a few times a week.
import { db } from "../db";
import { notFound } from "../errors";
import { INSTANCE_STATUS_CODES, type ChartData } from "../../lib/history";
import { resolveRange, type RangeInput } from "./query";

/** Changes read per range at most: a flapping instance's chart stays bounded. */
const MAX_CHANGES = 2000;

type Step = { at: number; value: string };

export async function instanceTimeline(instanceId: number, input: RangeInput): Promise<ChartData> {
  const { from, to } = resolveRange(input);
  const instance = await db().applicationInstance.findUnique({
    where: { id: instanceId },
    select: { status: true, version: true, tag: true, createdAt: true },
  });
  if (!instance) throw notFound("Instance");
  const range = { gte: new Date(from), lt: new Date(to) };
  const statusWhere = { instanceId, status: { not: null } };
  const [statusBefore, statuses, versionBefore, versions] = await Promise.all([
    db().event.findFirst({ where: { ...statusWhere, timestamp: { lt: range.gte } }, orderBy: { timestamp: "desc" } }),
    db().event.findMany({
      where: { ...statusWhere, timestamp: range },
      orderBy: { timestamp: "asc" },
      take: MAX_CHANGES,
    }),
    db().applicationVersionHistory.findFirst({
      where: { instanceId, changedAt: { lt: range.gte } },
      orderBy: { changedAt: "desc" },
    }),
    db().applicationVersionHistory.findMany({
      where: { instanceId, changedAt: range },
      orderBy: { changedAt: "asc" },
      take: MAX_CHANGES,
    }),
  ]);
  const versionOf = (v: { newVersion: string | null; newTag: string | null }) => v.newVersion ?? v.newTag ?? "none";
  // Nothing changed before `to`: the instance has had its present status and version since it was
  // first seen (or since the records of changes were pruned, docs/operations.md "Retention").
  const since = Math.max(from, instance.createdAt.getTime());
  const unchanged = (value: string) => (since < to ? [{ at: since, value }] : []);
  const statusSteps: Step[] = [
    ...(statusBefore ? [{ at: from, value: statusBefore.status! }] : []),
    ...statuses.map((e) => ({ at: e.timestamp.getTime(), value: e.status! })),
  ];
  if (statusSteps.length === 0) statusSteps.push(...unchanged(instance.status));
  const versionSteps: Step[] = [
    ...(versionBefore ? [{ at: from, value: versionOf(versionBefore) }] : []),
    ...versions.map((v) => ({ at: v.changedAt.getTime(), value: versionOf(v) })),
  ];
  if (versionSteps.length === 0) versionSteps.push(...unchanged(instance.version ?? instance.tag ?? "none"));
  const times = [...new Set([from, ...statusSteps.map((s) => s.at), ...versionSteps.map((s) => s.at), to])].sort(
    (a, b) => a - b,
  );
  const versionNames = [...new Set(versionSteps.map((s) => s.value))];
  const statusNames = [...INSTANCE_STATUS_CODES] as string[];
  const hasData = statusSteps.length > 0 || versionSteps.length > 0;
  return {
    resolution: "events",
    stepSeconds: 0,
    from: from / 1000,
    to: to / 1000,
    timestamps: hasData ? times.map((t) => t / 1000) : [],
    series: hasData
      ? [
          { label: "status", values: carry(times, statusSteps, statusNames), names: statusNames },
          { label: "version", values: carry(times, versionSteps, versionNames), names: versionNames },
        ]
      : [],
  };
}

/** The step value at each time: the last change at or before it, as its index in `names`. */
function carry(times: number[], steps: Step[], names: string[]): (number | null)[] {
  let i = -1;
  return times.map((t) => {
    while (i + 1 < steps.length && steps[i + 1]!.at <= t) i++;
    if (i < 0) return null;
    const index = names.indexOf(steps[i]!.value);
    return index < 0 ? null : index;
  });
}
