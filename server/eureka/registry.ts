// An application instance in Eureka, as an update task sees it (docs/update-tasks.md, "Eureka"):
// planned from what its agent reports (eureka_registered, eureka_url, ip, port) and the group it
// belongs to (its Eureka app name), found in the registry at its server's address, and set
// OUT_OF_SERVICE or back.
import { config } from "../config";
import type { PlanEureka } from "../tasks/plan-types";
import { appInstances, EurekaError, removeOverride, takeOutOfService, type EurekaOptions } from "./client";
import { chooseBase, eurekaAppName, idSegment, type EurekaBase } from "./urls";

export type EurekaRow = {
  eurekaRegistered: boolean | null;
  eurekaUrl: string | null;
  ip: string | null;
  port: number | null;
};

export const eurekaOptions = (): EurekaOptions => {
  const c = config();
  return { timeoutMs: c.AC_EUREKA_TIMEOUT * 1000, username: c.AC_EUREKA_USERNAME, password: c.AC_EUREKA_PASSWORD };
};

/**
 * Why AC will not look for the instance in the registry: the agent's ip is free text, so an agent
 * reporting another server's ip would have AC take that server's instance out. AC looks only at
 * the address admins gave the server (docs/update-tasks.md, "Eureka"); null when they agree.
 */
export function foreignAddress(reportedIp: string | null, serverIp: string): string | null {
  if (reportedIp === null || reportedIp === "" || reportedIp === serverIp) return null;
  return `its agent reports ip ${JSON.stringify(reportedIp.slice(0, 100))}, not its server's address ${serverIp}, and AC looks for it only at its server's address`;
}

/**
 * The instance's registration as a plan records it; null when its agent does not report it as
 * registered. `skip` says why AC will not touch it (its URL is not an allowed server, no group,
 * it claims an address that is not its server's).
 */
export function planEureka(
  row: EurekaRow,
  group: { name: string; eurekaAppName: string | null } | null,
  serverIp: string,
): PlanEureka | null {
  if (row.eurekaRegistered !== true) return null;
  const app = group ? eurekaAppName(group) : "";
  const choice = chooseBase(row.eurekaUrl, config().AC_EUREKA_URLS);
  const skip = !choice.ok
    ? choice.reason
    : !group
      ? "in no group (its Eureka app name is its group's)"
      : idSegment(app) === null
        ? `its group's name ${JSON.stringify(group.name.slice(0, 100))} cannot be a Eureka app name: set the group's Eureka app name`
        : row.port === null
          ? "reports no port, by which AC finds it in the registry"
          : foreignAddress(row.ip, serverIp);
  return {
    app,
    registry: choice.ok && !skip ? choice.base.url : null,
    skip,
    ip: row.ip,
    port: row.port,
  };
}

/** The configured server a plan named, if AC_EUREKA_URLS still lists it. */
export function configuredRegistry(url: string): EurekaBase {
  const base = config().AC_EUREKA_URLS.find((b) => b.url === url);
  if (!base) throw new EurekaError(`${url} is no longer in AC_EUREKA_URLS`);
  return base;
}

/**
 * The registry's id of the instance at `address` (its server's, as admins set it) and `port`:
 * exactly one of the app's instances must match, or AC would take the wrong one out.
 */
export async function findInstanceId(
  base: EurekaBase,
  app: string,
  at: { address: string; port: number },
  options: EurekaOptions = eurekaOptions(),
): Promise<string> {
  const listed = await appInstances(base, app, options);
  const matches = listed.filter((i) => i.port === at.port && i.ipAddr === at.address);
  const where = `${at.address}:${at.port}`;
  if (matches.length === 0) {
    const seen = listed.slice(0, 5).map((i) => `${i.ipAddr ?? "?"}:${i.port ?? "?"}`);
    throw new EurekaError(
      `${app} in ${base.url} has no instance at ${where} (it lists ${listed.length}${seen.length ? `: ${seen.join(", ")}` : ""})`,
    );
  }
  if (matches.length > 1)
    throw new EurekaError(`${app} in ${base.url} lists ${matches.length} instances at ${where}: which one is unclear`);
  if (idSegment(matches[0]!.id) === null)
    throw new EurekaError(
      `${app} in ${base.url}: instance id ${JSON.stringify(matches[0]!.id.slice(0, 100))} cannot be sent`,
    );
  return matches[0]!.id;
}

/** OUT_OF_SERVICE (an override that outlives the instance's restart), or the override removed. */
export function setStatus(base: EurekaBase, app: string, id: string, to: "OUT_OF_SERVICE" | "UP") {
  return to === "OUT_OF_SERVICE"
    ? takeOutOfService(base, app, id, eurekaOptions())
    : removeOverride(base, app, id, eurekaOptions());
}
