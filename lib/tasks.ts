// What the task pages and the server say alike about an update task (docs/update-tasks.md):
// plain functions, so client components need nothing from server/.
import { plural } from "./plural";

/** Not finished: a runner has it or will claim it (pending, running) or it waits for Continue (paused). */
export const openTaskStatuses = ["pending", "running", "paused"] as const;
/** Finished: its record no longer changes by itself (retention counts from finished_at). */
export const finishedTaskStatuses = ["succeeded", "failed", "cancelled", "interrupted"] as const;

/** A runner has it or is about to claim it: its state moves by itself (pages poll it quickly). */
export const taskRunning = (status: string) => status === "pending" || status === "running";
/**
 * Not finished: still worth following and still cancellable. A paused task waits for Continue,
 * which may come from another page or another replica.
 */
export const taskOpen = (status: string) => (openTaskStatuses as readonly string[]).includes(status);

/**
 * What a stopped task left out, as "2 HAProxy servers out of the pool, 1 Eureka instance out of
 * service": both are what "return to pool" puts back.
 */
export function outOfPoolWords(haproxyServers: number, eurekaInstances: number): string {
  return [
    haproxyServers ? `${plural(haproxyServers, "HAProxy server")} out of the pool` : "",
    eurekaInstances ? `${plural(eurekaInstances, "Eureka instance")} out of service` : "",
  ]
    .filter(Boolean)
    .join(", ");
}
