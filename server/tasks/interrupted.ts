// At start of an AC process: a task still "running" belongs to a process that is gone. It is
// marked interrupted with the step it was in, and a playbook it left behind on this host is
// ended, so nothing stays "running" forever. (One AC runs tasks: see docs/update-tasks.md.)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { db, Prisma } from "../db";
import { appendLog } from "./log";
import { where, type TaskProgress } from "./plan-types";

/** The playbook's process group, if that pid is still our ansible-playbook for this task. */
function endLeftoverPlaybook(taskId: string, pid: number | null): string | null {
  if (!pid) return null;
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return null; // gone
  }
  if (!cmdline.includes(`ac-task-${taskId.slice(0, 8)}`)) return null; // the pid was reused by something else
  try {
    process.kill(-pid, "SIGTERM");
    return `the playbook left running (process group ${pid}) was terminated`;
  } catch {
    return null;
  }
}

/** The dead run's temp folder (inventory, extra vars) from playbook.ts. */
function removeTempFolders(taskId: string) {
  const prefix = `ac-task-${taskId.slice(0, 8)}-`;
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(prefix))) {
    fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

export async function markInterruptedTasks(): Promise<number> {
  const running = await db().task.findMany({ where: { status: "running" }, select: { id: true, progress: true } });
  for (const task of running) {
    const progress = task.progress as unknown as TaskProgress | null;
    const current = progress?.current;
    const place = progress && current ? where(progress, current.batch, current.step) : "before its first step";
    if (progress && current) {
      const step = progress.batches[current.batch]?.steps.find((s) => s.name === current.step);
      if (step && step.status === "running")
        Object.assign(step, {
          status: "failed",
          finishedAt: new Date().toISOString(),
          note: "interrupted: AC stopped",
        });
      progress.failure = { batch: current.batch, step: current.step, message: "interrupted: AC stopped" };
    }
    const killed = endLeftoverPlaybook(task.id, progress?.playbookPid ?? null);
    removeTempFolders(task.id);
    const error = `Interrupted: AC stopped during ${place}. HAProxy servers of that batch may still be drained; check before starting again.`;
    const { count } = await db().task.updateMany({
      where: { id: task.id, status: "running" },
      data: {
        status: "interrupted",
        finishedAt: new Date(),
        error,
        ...(progress ? { progress: progress as unknown as Prisma.InputJsonValue } : {}),
      },
    });
    if (count) {
      const line = `[ac ${new Date().toISOString().slice(11, 19)}] ${error}${killed ? ` (${killed})` : ""}\n`;
      await appendLog(task.id, line);
      console.warn(`[ac] task ${task.id} interrupted during ${place}`);
    }
  }
  return running.length;
}
