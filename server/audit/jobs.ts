// Audit rows for work AC does without a request: a scheduled job, or a task acting on a user's
// behalf ("update-task started by alice" drains an HAProxy server). Actor kind `job`, named
// `job:<name>`; the user who started it owns the row (operators see it among their own).
import { db } from "../db";
import { auditDb, type AuditActor, type AuditClient, writeAuditEntry } from "./entry";
import type { AuditPart, AuditSink } from "./recorder";

export type JobAuditOptions = {
  /** The job's name: "update-task", "cleanup". */
  job: string;
  /** The action each row records ("haproxy.command"). */
  action: string;
  startedBy?: { userId: number | null; name: string } | null;
  taskId?: string | null;
};

export const jobActor = (job: string, userId: number | null = null): AuditActor => ({
  kind: "job",
  id: null,
  name: `job:${job}`,
  userId,
});

/** A sink that writes one row per `record` (a job performs many actions). */
export function jobAudit(options: JobAuditOptions): AuditSink {
  return {
    async record(client: AuditClient = auditDb(), part: AuditPart = {}) {
      await writeAuditEntry(client, {
        actor: jobActor(options.job, options.startedBy?.userId ?? null),
        action: options.action,
        outcome: part.outcome ?? "success",
        error: part.error,
        target: part.target,
        changes: part.changes,
        details: options.startedBy ? { ...part.details, startedBy: options.startedBy.name } : part.details,
        taskId: part.taskId ?? options.taskId ?? null,
      });
    },
  };
}

/** The user id behind an actor name as tasks store it (a login; null for `token:…` or an unknown one). */
export async function userIdOfActorName(name: string): Promise<number | null> {
  if (name.startsWith("token:") || name.startsWith("job:")) return null;
  return (await db().user.findUnique({ where: { login: name }, select: { id: true } }))?.id ?? null;
}
