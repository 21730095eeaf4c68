// A fast path for the common entry of the apps contract (contract.ts): plain checks instead of zod,
// which cost more than the fetch itself on a fleet's worth of entries (docs/performance.md,
// "Polling"). It accepts only values every rule of the schemas plainly accepts and returns what
// they return; anything else (a wrong type, a bound crossed, a tolerated form it does not know)
// gives null and the entry goes through zod, whose messages stay the only ones an operator sees.
// tests/unit/agent-contract-fast.test.ts holds the two to the same output.
import type { AppKind, ParsedApp } from "./contract";
import { parseIsoDateTime } from "./iso-date";
import { MAX_INT4, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, STATUS_MAX_LENGTH, unstorable } from "./limits";

/** Thrown inside this module only: "not plainly valid, ask zod". */
const UNSURE = Symbol("unsure");
const unsure = (): never => {
  throw UNSURE;
};

const INTEGER_STRING = /^-?\d{1,16}$/;

function text(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v !== "string" || v.length > MAX_TEXT_LENGTH || unstorable(v)) return unsure();
  return v.trim() === "" ? null : v;
}

function name(v: unknown): string {
  if (typeof v !== "string") return unsure();
  const trimmed = v.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_NAME_LENGTH || unstorable(trimmed)) return unsure();
  return trimmed;
}

function integer(v: unknown, min: number, max: number): number | null {
  if (v == null) return null;
  if (typeof v === "string" && !INTEGER_STRING.test(v.trim())) return unsure();
  if (typeof v !== "string" && typeof v !== "number") return unsure();
  const n = Number(v);
  return Number.isInteger(n) && n >= min && n <= max ? n : unsure();
}

function flag(v: unknown): boolean | null {
  if (v == null) return null;
  if (typeof v === "boolean") return v;
  const word = typeof v === "string" ? v.trim().toLowerCase() : null;
  return word === "true" || word === "false" ? word === "true" : unsure();
}

function versionText(v: unknown): string | null {
  if (typeof v === "number") return String(v);
  return text(v);
}

function startTime(v: unknown): Date | null {
  if (v == null) return null;
  if (typeof v !== "string" || v.length > 100) return unsure();
  const trimmed = v.trim();
  if (trimmed === "") return null;
  return parseIsoDateTime(trimmed) ?? unsure();
}

function status(v: unknown): string | null {
  const value = text(v);
  if (value === null) return null;
  const trimmed = value.trim();
  return trimmed.length <= STATUS_MAX_LENGTH ? trimmed : unsure();
}

type Raw = Record<string, unknown>;
const runtime = (a: Raw) => ({
  version: versionText(a.version),
  ip: text(a.ip),
  port: integer(a.port, 0, 65535),
  pid: integer(a.pid, 0, MAX_INT4),
  startTime: startTime(a.start_time),
  status: status(a.status),
});

function docker(a: Raw): ParsedApp {
  const containerName = name(a.container_name);
  return {
    appType: "docker",
    instanceName: containerName,
    containerId: text(a.container_id),
    containerName,
    composeProjectDir: text(a.compose_project_dir),
    image: text(a.image),
    tag: text(a.tag),
    ...runtime(a),
    eurekaUrl: text(a.eureka_url),
    eurekaRegistered: flag(a.eureka_registered),
  };
}

function hosted(kind: "site" | "service", a: Raw): ParsedApp {
  const appName = name(a.name);
  return {
    appType: kind,
    instanceName: appName,
    name: appName,
    path: text(a.path),
    logPath: text(a.log_path),
    distrPath: text(a.distr_path),
    ...runtime(a),
  };
}

/** The entry as the schema of its kind would return it, or null when only zod may judge it. */
export function parseEntryFast(kind: AppKind, raw: unknown): ParsedApp | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  try {
    return kind === "docker" ? docker(raw as Raw) : hosted(kind, raw as Raw);
  } catch (error) {
    if (error === UNSURE) return null;
    throw error;
  }
}
