// Every setting AC reads from the environment, parsed once and validated. Nothing else in the
// code base reads process.env for settings. A bad value stops start-up with a message that
// names the variable and what it accepts. Defaults are the seeds' (../shared/seeds).
import { z } from "zod";
import { redactUrlCredentials } from "./redact-url";

const seconds = (def: number) => z.coerce.number().int().positive().default(def);
const days = seconds;
const bool = (def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
    .default(def ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL connection; without it AC starts an embedded PostgreSQL in .data/postgres. */
  DATABASE_URL: optionalString.pipe(z.url({ error: "must be a postgresql:// URL" }).optional()),
  /** Secret that signs session cookies; generated and kept in .data when not given. */
  AUTH_SECRET: optionalString,
  /** Port of the embedded PostgreSQL (used only without DATABASE_URL). */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  AC_ADMIN_USER: optionalString,
  /** Start a simulated agent fleet for a first look: auto = only with the embedded database. */
  AC_DEMO_FLEET: z.enum(["auto", "true", "false"], { error: "must be auto, true or false" }).default("auto"),
  /** HTTP port of the web panel. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  AC_ADMIN_PASSWORD: optionalString,

  // Agent polling (seed 000)
  POLLING_INTERVAL: seconds(60),
  CONNECTION_TIMEOUT: seconds(5),
  POLL_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
  /** Largest apps reply accepted from an agent, in bytes. */
  AGENT_MAX_RESPONSE_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  AGENT_TOKEN_HEADER: z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name").default("X-Agent-Token"),
  DEFAULT_UPDATE_PLAYBOOK: z.string().min(1).default("/etc/ansible/update-app.yml"),
  CLEAN_EVENTS_OLDER_THAN: days(30),
  CLEAN_TASKS_OLDER_THAN: days(30),
  /** Turns the scheduler (polling, cleanup, heartbeat) off, e.g. for a read-only replica. */
  SCHEDULER_ENABLED: bool(true),

  // HAProxy module (seed 001)
  HAPROXY_ENABLED: bool(true),
  HAPROXY_POLLING_INTERVAL: seconds(60),
  HAPROXY_CACHE_TTL: seconds(30),
  HAPROXY_REQUEST_TIMEOUT: seconds(10),
  HAPROXY_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  HAPROXY_CIRCUIT_BREAKER_THRESHOLD: z.coerce.number().int().positive().default(5),
  HAPROXY_CIRCUIT_BREAKER_TIMEOUT: seconds(300),

  // Update tasks (issue 6); run parameters default to these, an operator may change them per run
  /** Update tasks running at once in this AC; more wait as pending. */
  TASKS_MAX_PARALLEL: z.coerce.number().int().min(1).max(64).default(2),
  TASK_DRAIN_DELAY: z.coerce.number().int().min(0).max(3600).default(10),
  TASK_WAIT_AFTER_UPDATE: z.coerce.number().int().min(0).max(3600).default(10),
  /** Seconds the agent has, after the playbook, to report the instance online with the target version. */
  TASK_CONFIRM_TIMEOUT: seconds(120),
  /** Seconds one ansible-playbook run may take before its process group is killed. */
  TASK_PLAYBOOK_TIMEOUT: seconds(3600),
  ANSIBLE_PLAYBOOK_BIN: z.string().min(1).default("ansible-playbook"),
  /** Seconds a group's cached version list (tags_cache) is used before it is read again. */
  TAGS_CACHE_MAX_AGE: seconds(600),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** Parses an environment; exported for tests. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "?");
    return `  ${name}=${shown(name, env[name] ?? "")}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}\nSee .env.example for every setting.`);
}

/** A bad value as the error shows it: secrets hidden, URL passwords starred (the message reaches logs). */
function shown(name: string, value: string): string {
  if (/SECRET|PASSWORD|TOKEN(?!_HEADER)/.test(name)) return value ? "(hidden)" : '""';
  return JSON.stringify(redactUrlCredentials(value));
}

let cached: Config | undefined;

/** The process's configuration, read on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Reads the environment again: the launcher calls it after providing DATABASE_URL itself. */
export function reloadConfig(): Config {
  cached = undefined;
  return config();
}
