// The dashboard in one call: fleet counts grouped in the database, what needs attention
// (servers not online, offline first; update tasks waiting for Continue), what changed lately,
// and how the scheduler is doing.
import { z } from "zod";
import { openTaskStatuses } from "../../lib/tasks";
import { config } from "../config";
import { db } from "../db";
import { cycleCountsSchema } from "../inventory/poll-cycle";
import { eventSelect } from "../inventory/queries/events";
import { versionChangeSelect } from "../inventory/queries/version-history";
import { jobRuns } from "../jobs/job-runs";
import { ServerStatus, type InstanceStatus } from "../generated/prisma/enums";
import { readStatusTotals } from "../metrics/instance-counts";
import { pausedTasks } from "../tasks/queries";

const RECENT = 10;
const NOT_ONLINE = Object.values(ServerStatus).filter((status) => status !== "online");
const ATTENTION = 20;

/** What the poll job stores in job_runs.summary (CycleSummary); read defensively, it is JSON. */
const pollSummary = cycleCountsSchema
  .omit({ failuresByKind: true })
  .extend({ durationMs: z.number() })
  .partial()
  .nullable()
  .catch(null);

/**
 * Instances per status: as the last poll cycle left them (statuses change by polling), counted
 * live when no cycle has ended within three intervals (the scheduler stopped, a fresh install).
 */
async function instancesByStatus(): Promise<{ counts: Partial<Record<InstanceStatus, number>>; asOf: Date }> {
  const stored = await readStatusTotals(new Date(Date.now() - 3 * config().POLLING_INTERVAL * 1000));
  if (stored) return { counts: stored.counts, asOf: stored.takenAt };
  const rows = await db().applicationInstance.groupBy({ by: ["status"], _count: { _all: true } });
  return { counts: Object.fromEntries(rows.map((row) => [row.status, row._count._all])), asOf: new Date() };
}

/** Update tasks pending, running and paused; the paused ones listed, longest waiting first. */
async function openTasks() {
  const [counts, paused] = await Promise.all([
    db().task.groupBy({ by: ["status"], where: { status: { in: [...openTaskStatuses] } }, _count: true }),
    pausedTasks(ATTENTION),
  ]);
  return { counts: Object.fromEntries(counts.map((row) => [row.status, row._count])), paused };
}

export async function fleetOverview() {
  const [servers, instances, groups, catalog, jobs, attention, recentEvents, recentChanges, tasks] = await Promise.all([
    db().server.groupBy({ by: ["status"], _count: { _all: true } }),
    instancesByStatus(),
    db().applicationGroup.count(),
    db().applicationCatalog.count(),
    jobRuns(),
    db().server.findMany({
      // The statuses by name rather than `not online`: the index then reads only those servers, not the 95 % online ones.
      where: { status: { in: NOT_ONLINE } },
      select: { id: true, name: true, ip: true, port: true, status: true, lastCheck: true, lastError: true },
      orderBy: [{ status: "asc" }, { name: "asc" }], // enum order: offline before unknown
      take: ATTENTION,
    }),
    db().event.findMany({ select: eventSelect, orderBy: [{ timestamp: "desc" }, { id: "desc" }], take: RECENT }),
    db().applicationVersionHistory.findMany({
      select: versionChangeSelect,
      orderBy: [{ changedAt: "desc" }, { id: "desc" }],
      take: RECENT,
    }),
    openTasks(),
  ]);
  const byStatus = <S extends string>(rows: { status: S; _count: { _all: number } }[]) =>
    Object.fromEntries(rows.map((row) => [row.status, row._count._all])) as Partial<Record<S, number>>;
  const heartbeat = jobs.find((job) => job.name === "heartbeat");
  const poll = jobs.find((job) => job.name === "poll-agents");
  return {
    scheduler: {
      lastHeartbeat: heartbeat?.lastOkAt ?? null,
      // The heartbeat runs every 15 s; a minute without one means the scheduler is not running.
      alive: !!heartbeat?.lastOkAt && Date.now() - heartbeat.lastOkAt.getTime() < 60_000,
    },
    lastPollCycle: poll
      ? {
          lastRunAt: poll.lastRunAt,
          lastOkAt: poll.lastOkAt,
          durationMs: poll.durationMs,
          lastError: poll.lastError,
          replica: poll.replica,
          summary: pollSummary.parse(poll.summary),
          // Three missed intervals in a row is more than one slow cycle.
          overdue: Date.now() - poll.lastRunAt.getTime() > 3 * config().POLLING_INTERVAL * 1000,
        }
      : null,
    servers: byStatus(servers),
    instances: instances.counts,
    /** When the instance counts were taken: the last poll cycle's end, or now (counted for this view). */
    instancesAsOf: instances.asOf,
    attentionServers: attention,
    tasks,
    recentEvents,
    recentChanges,
    groups,
    catalog,
    jobs,
  };
}
