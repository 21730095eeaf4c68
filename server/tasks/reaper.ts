// A running task whose runner stopped renewing its lease (killed, its host gone, cut off from the
// database for longer than the lease) is marked interrupted by whichever runner replica looks
// next, with the step it was in and the HAProxy servers it had drained and not readied
// (docs/update-tasks.md, "Runners, leases and replicas"). A live runner's tasks are never touched:
// its heartbeat keeps the lease in the future.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { config } from "../config";
import { db, Prisma } from "../db";
import { appendLog } from "./log";
import { outOfPoolOf, where, type TaskProgress } from "./plan-types";
import { runningHere } from "./registry";
import { databaseNow, thisRunner } from "./runner-identity";

/** The pids in process group `pgid` (from /proc: field 5 of stat, after the parenthesised name). */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === pgid) members.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

/**
 * Ends the playbook's process group, if it is still our ansible-playbook for this task. The group,
 * not only its leader: ansible-playbook itself may have died with its runner (its output pipe
 * closed) while its workers and their commands run on.
 */
function endLeftoverPlaybook(taskId: string, pid: number): string {
  const marker = `ac-task-${taskId.slice(0, 8)}`;
  const members = groupMembers(pid);
  if (!members.length) return `its playbook (process group ${pid}) is no longer running`;
  // The pid may have been reused by something else: only a group running our playbook for this task is ended.
  const ours = members.some((member) => {
    try {
      return fs.readFileSync(`/proc/${member}/cmdline`, "utf8").includes(marker);
    } catch {
      return false;
    }
  });
  if (!ours) return `process group ${pid} is no longer its playbook, left alone`;
  try {
    process.kill(-pid, "SIGTERM");
    return `the playbook left running (process group ${pid}) was terminated`;
  } catch (error) {
    return `the playbook left running (process group ${pid}) could not be terminated: ${(error as Error).message}`;
  }
}

/** The dead run's temp folder (inventory, extra vars) from playbook.ts. */
function removeTempFolders(taskId: string) {
  const prefix = `ac-task-${taskId.slice(0, 8)}-`;
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(prefix))) {
    fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

type Candidate = {
  id: string;
  progress: Prisma.JsonValue;
  runnerId: string | null;
  runnerHost: string | null;
  heartbeatAt: Date | null;
  leaseExpiresAt: Date | null;
};

const heartbeatAgo = (now: Date) => new Date(now.getTime() - config().TASK_HEARTBEAT_SECONDS * 1000);

/**
 * Marks interrupted every running task whose lease has run out; returns how many it marked. `now`
 * is the database's clock, the one leases are written on (runner-identity.ts): a runner fences
 * itself before that clock passes its lease (fence.ts), so whatever this reaps has stopped acting.
 */
export async function reapExpiredTasks(at?: Date): Promise<number> {
  const here = runningHere();
  const now = at ?? (await databaseNow());
  const candidates = await db().task.findMany({
    where: {
      status: "running",
      OR: [
        { leaseExpiresAt: { lt: now } },
        { leaseExpiresAt: null }, // claimed by a version of AC without leases
        // Ours, but its run is over: the final write did not reach the database in time. Only
        // once a heartbeat has passed since it was claimed or renewed: `here` is read before the
        // query, and a claim by another dispatch pass of this process (Next's bundles each run
        // one) commits before its run is registered, so a fresh claim is not "over".
        { runnerId: thisRunner.id, id: { notIn: here }, heartbeatAt: { lt: heartbeatAgo(now) } },
      ],
      // Never a task this process is running: after a database outage longer than the lease its
      // lease looks expired, and its run, fenced (fence.ts), writes its own end.
      NOT: { runnerId: thisRunner.id, id: { in: here } },
    },
    select: { id: true, progress: true, runnerId: true, runnerHost: true, heartbeatAt: true, leaseExpiresAt: true },
  });
  let reaped = 0;
  for (const task of candidates) if (await reap(task, now)) reaped++;
  return reaped;
}

/**
 * An interrupted task's error: why, where (the step in `progress.current`), and the HAProxy servers
 * and Eureka instances it left out, for the operator to return or retry (recovery.ts).
 */
export function interruptedError(why: string, progress: TaskProgress | null): string {
  const current = progress?.current;
  const place = progress && current ? where(progress, current.batch, current.step) : "before its first step";
  const outOfPool = progress ? outOfPoolOf(progress) : [];
  const servers = outOfPool.length
    ? ` Still out of the HAProxy pool: ${outOfPool.map((s) => s.label).join(", ")}. Return them to the pool, or retry from the failed batch.`
    : "";
  const outOfService = progress?.outOfService ?? [];
  const eureka = outOfService.length
    ? ` Still OUT_OF_SERVICE in Eureka: ${outOfService.map((o) => o.label).join(", ")}.`
    : "";
  return `Interrupted: ${why}, during ${place}.${servers}${eureka}`;
}

async function reap(task: Candidate, now: Date): Promise<boolean> {
  const progress = task.progress as unknown as TaskProgress | null;
  const current = progress?.current;
  const place = progress && current ? where(progress, current.batch, current.step) : "before its first step";
  const why =
    task.runnerId === thisRunner.id
      ? "its run ended without its final status reaching the database"
      : `its runner ${task.runnerId ?? "(unknown)"} stopped renewing its lease (last heartbeat ${task.heartbeatAt?.toISOString() ?? "never"})`;
  const error = interruptedError(why, progress);
  if (progress && current) {
    const step = progress.batches[current.batch]?.steps.find((s) => s.name === current.step);
    if (step && step.status === "running")
      Object.assign(step, { status: "failed", finishedAt: now.toISOString(), note: "interrupted: runner lost" });
    progress.failure = { batch: current.batch, step: current.step, message: "interrupted: runner lost" };
  }
  // Exactly the lease we saw: a heartbeat that renewed it meanwhile wins, and of two reapers one does the work.
  const { count } = await db().task.updateMany({
    where: { id: task.id, status: "running", runnerId: task.runnerId, leaseExpiresAt: task.leaseExpiresAt },
    data: {
      status: "interrupted",
      finishedAt: now,
      error,
      leaseExpiresAt: null,
      ...(progress ? { progress: progress as unknown as Prisma.InputJsonValue } : {}),
    },
  });
  if (!count) return false;
  const pid = progress?.playbookPid;
  let playbook = "";
  if (task.runnerHost === thisRunner.host) {
    if (pid) playbook = ` (${endLeftoverPlaybook(task.id, pid)})`;
    removeTempFolders(task.id);
  } else if (pid) {
    playbook = ` (its playbook, process group ${pid} on ${task.runnerHost}, could not be reached from ${thisRunner.host}: check that host)`;
  }
  await appendLog(task.id, `[ac ${now.toISOString().slice(11, 19)}] ${error}${playbook}\n`);
  console.warn(`[ac] task ${task.id} interrupted during ${place}: ${why}${playbook}`);
  return true;
}
