// What the task pages and the server say alike about an update task (docs/update-tasks.md):
// plain functions, so client components need nothing from server/.
import { plural } from "./plural";

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
