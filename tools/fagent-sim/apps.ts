// What realistic FAgent app entries look like: names AC must group (jurws_1, billing-api_2,
// standalone, non-ASCII ones), images, paths and versions that move together when bumped.
import { nameField, type AppKind, type WireApp } from "../../server/agent/contract";
import type { Rng } from "./random";

/** [instance base name, ASCII slug for images and paths] */
const BASES: readonly (readonly [string, string])[] = [
  ["jurws", "jurws"],
  ["billing-api", "billing-api"],
  ["auth-service", "auth-service"],
  ["gateway", "gateway"],
  ["reports", "reports"],
  ["notifier", "notifier"],
  ["catalog", "catalog"],
  ["payments", "payments"],
  ["docs-portal", "docs-portal"],
  ["scheduler", "scheduler"],
  ["crm-web", "crm-web"],
  ["search", "search"],
  ["отчёты", "otchety"],
  ["платежи-api", "platezhi-api"],
  ["café-web", "cafe-web"],
];
/** Names that do not follow base_N: AC must still take them (docs/inventory.md: "standalone" → its own group, instance 0). */
const ODD_NAMES = ["standalone", "my-app_test", "legacy"] as const;

const STATUSES: Record<AppKind, readonly string[]> = {
  docker: ["running", "running", "running", "running", "exited", "Paused", "restarting"],
  site: ["active", "active", "running", "stopped", ""],
  service: ["active", "active", "running", "inactive", "stopped", "failed"],
};

export const appName = (kind: AppKind, app: WireApp): string => String(app[nameField[kind]] ?? "");

/** A name not yet used among `taken` (same agent, same kind). */
export function freshName(r: Rng, taken: Set<string>): { name: string; slug: string } {
  if (r.chance(0.05)) {
    const odd = r.pick(ODD_NAMES);
    if (!taken.has(odd)) return { name: odd, slug: odd.replace(/_/g, "-") };
  }
  const [base, slug] = r.pick(BASES);
  for (let n = 1; ; n++) if (!taken.has(`${base}_${n}`)) return { name: `${base}_${n}`, slug };
}

export const randomVersion = (r: Rng) => `${r.int(1, 3)}.${r.int(0, 12)}.${r.int(0, 20)}`;

/** `version`: the app's version; a random one when omitted. */
export function makeApp(
  kind: AppKind,
  r: Rng,
  at: { name: string; slug: string; agentIp: string; version?: string; eurekaUrl?: string },
): WireApp {
  const version = at.version ?? randomVersion(r);
  const runtime = {
    version,
    port: r.int(8000, 8999),
    pid: r.int(300, 65000),
    start_time: new Date(Date.UTC(2025, 0, 1) - r.int(0, 90 * 86400) * 1000).toISOString(),
    status: r.pick(STATUSES[kind]),
  };
  if (kind === "docker") {
    const hex = Array.from({ length: 8 }, () => r.int(0, 0xffffffff).toString(16).padStart(8, "0")).join("");
    const app = {
      container_name: at.name,
      container_id: hex,
      compose_project_dir: `/opt/compose/${at.slug}`,
      image: `registry.local/${at.slug}:${version}`,
      tag: version,
      ip: `172.18.${r.int(0, 3)}.${r.int(2, 254)}`,
      ...runtime,
      // The simulator's Eureka (eureka.ts) when it serves one; else a server nothing answers.
      eureka_url: r.chance(0.5) ? (at.eurekaUrl ?? "http://eureka.local:8761/eureka/") : null,
      eureka_registered: r.chance(0.7),
    };
    // Registered apps use their host's address, where AC looks for them (docs/update-tasks.md, "Eureka").
    return app.eureka_url && app.eureka_registered ? { ...app, ip: at.agentIp } : app;
  }
  const root = kind === "site" ? "/var/www" : "/opt/services";
  const ext = kind === "site" ? "zip" : "tar.gz";
  return {
    name: at.name,
    path: `${root}/${at.slug}`,
    log_path: `/var/log/${at.slug}/${at.slug}.log`,
    distr_path: `/opt/distr/${at.slug}/${at.slug}-${version}.${ext}`,
    ip: at.agentIp,
    ...runtime,
  };
}

/** `version` one patch further (`step` = -1: one back, not below .0). */
export function nextPatch(version: string, step = 1): string {
  const parts = version.split(".");
  const last = Number(parts.at(-1));
  if (parts.length > 1 && Number.isInteger(last)) return [...parts.slice(0, -1), Math.max(0, last + step)].join(".");
  return step > 0 ? `${version || "0"}.1` : version;
}

/** Next patch version; the image tag and the distribution path follow it, as after a real update. */
export function bumpVersion(kind: AppKind, app: WireApp): void {
  const old = typeof app.version === "string" ? app.version : "";
  setVersion(kind, app, nextPatch(old));
}

/** Installs `next`: the version, and the tag, image and distribution path that name it. */
export function setVersion(kind: AppKind, app: WireApp, next: string): void {
  const old = typeof app.version === "string" ? app.version : "";
  app.version = next;
  if (kind === "docker") {
    app.tag = next;
    if (typeof app.image === "string") app.image = app.image.replace(/:[^:/]*$/, "") + `:${next}`;
  } else if (typeof app.distr_path === "string" && old) {
    app.distr_path = app.distr_path.split(old).join(next);
  }
}

export function changeStatus(kind: AppKind, app: WireApp, r: Rng): void {
  const others = STATUSES[kind].filter((s) => s !== app.status);
  app.status = r.pick(others.length ? others : STATUSES[kind]);
}
