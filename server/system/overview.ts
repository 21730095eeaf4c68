// Fleet-wide counts for the dashboard, grouped in the database (one query per table).
import { db } from "../db";
import { jobRuns } from "../jobs/job-runs";

export async function fleetOverview() {
  const [servers, instances, groups, catalog, jobs] = await Promise.all([
    db().server.groupBy({ by: ["status"], _count: { _all: true } }),
    db().applicationInstance.groupBy({ by: ["status"], _count: { _all: true } }),
    db().applicationGroup.count(),
    db().applicationCatalog.count(),
    jobRuns(),
  ]);
  const byStatus = <S extends string>(rows: { status: S; _count: { _all: number } }[]) =>
    Object.fromEntries(rows.map((row) => [row.status, row._count._all])) as Partial<Record<S, number>>;
  const heartbeat = jobs.find((job) => job.name === "heartbeat");
  return {
    scheduler: {
      lastHeartbeat: heartbeat?.lastOkAt ?? null,
      // The heartbeat runs every 15 s; a minute without one means the scheduler is not running.
      alive: !!heartbeat?.lastOkAt && Date.now() - heartbeat.lastOkAt.getTime() < 60_000,
    },
    servers: byStatus(servers),
    instances: byStatus(instances),
    groups,
    catalog,
    jobs,
  };
}
