// Every setting AC reads from the environment, parsed once and validated. Nothing else in the
// code base reads process.env for settings. A bad value stops start-up with a message that
// names the variable and what it accepts. Each is described in .env.example.
import path from "node:path";
import { z } from "zod";
import { parseTrustedProxies } from "./http/client-address";
import { redactUrlCredentials } from "./security/redact-url";

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

/** Variables that hold AC's own secrets: never passed to a playbook, even when named in PLAYBOOK_ENV. */
export const AC_SECRETS = ["AUTH_SECRET", "NEXTAUTH_SECRET", "DATABASE_URL", "TEST_DATABASE_URL", "AC_ADMIN_PASSWORD"];

const schema = z
  .object({
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
    /**
     * The URL users open (https://ac.example.internal behind a TLS proxy). https makes the session
     * cookies `Secure` and adds HSTS; next-auth builds its redirects from it (docs/security.md).
     */
    AC_PUBLIC_URL: optionalString.pipe(
      z
        .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
        .transform((url) => url.replace(/\/+$/, ""))
        .optional(),
    ),
    /**
     * Reverse proxies whose X-Forwarded-For / -Proto / -Host AC believes: addresses or CIDRs,
     * comma-separated. Empty: the client is the TCP peer and forwarded headers are dropped.
     */
    AC_TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((value, ctx) => {
        try {
          return parseTrustedProxies(value);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      }),
    AC_ADMIN_PASSWORD: optionalString,

    // Agent polling (docs/inventory.md)
    POLLING_INTERVAL: seconds(60),
    CONNECTION_TIMEOUT: seconds(5),
    POLL_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
    /** Largest apps reply accepted from an agent, in bytes. */
    AGENT_MAX_RESPONSE_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    /** Bytes of agent replies buffered at once, all polls and HAProxy reads together (docs/agent-contract.md, "Bounds"). */
    AGENT_MAX_BYTES_IN_FLIGHT: z.coerce
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    AGENT_TOKEN_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name")
      .default("X-Agent-Token"),
    /** Relative paths are read from AC's folder (the working directory), as for PLAYBOOK_DIRS. */
    DEFAULT_UPDATE_PLAYBOOK: z
      .string()
      .trim()
      .min(1)
      .default("ansible/update-app.example.yml")
      .transform((v) => path.resolve(v)),
    CLEAN_EVENTS_OLDER_THAN: days(30),
    CLEAN_TASKS_OLDER_THAN: days(30),
    /** Turns the scheduler (polling, cleanup, heartbeat) off, e.g. for a read-only replica. */
    SCHEDULER_ENABLED: bool(true),

    // HAProxy module (docs/haproxy.md)
    HAPROXY_ENABLED: bool(true),
    HAPROXY_POLLING_INTERVAL: seconds(60),
    HAPROXY_CACHE_TTL: seconds(30),
    HAPROXY_REQUEST_TIMEOUT: seconds(10),
    HAPROXY_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    HAPROXY_CIRCUIT_BREAKER_THRESHOLD: z.coerce.number().int().positive().default(5),
    HAPROXY_CIRCUIT_BREAKER_TIMEOUT: seconds(300),

    // Update tasks (docs/update-tasks.md); run parameters default to these, an operator may change them per run
    /** Update tasks running at once in this AC; more wait as pending. */
    TASKS_MAX_PARALLEL: z.coerce.number().int().min(1).max(64).default(2),
    TASK_DRAIN_DELAY: z.coerce.number().int().min(0).max(3600).default(10),
    TASK_WAIT_AFTER_UPDATE: z.coerce.number().int().min(0).max(3600).default(10),
    /** Seconds the agent has, after the playbook, to report the instance online with the target version. */
    TASK_CONFIRM_TIMEOUT: seconds(120),
    /** Seconds one ansible-playbook run may take before its process group is killed. */
    TASK_PLAYBOOK_TIMEOUT: seconds(3600),
    ANSIBLE_PLAYBOOK_BIN: z.string().min(1).default("ansible-playbook"),
    /** Folders whose playbooks AC may run, colon-separated (docs/update-tasks.md, "Playbook directories"). */
    PLAYBOOK_DIRS: optionalString.transform((v, ctx) => {
      const dirs = (v ?? "ansible")
        .split(":")
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => path.resolve(d));
      if (dirs.length === 0)
        ctx.addIssue({ code: "custom", message: "name at least one folder, e.g. /etc/ac/playbooks" });
      return dirs;
    }),
    /** Further environment variables passed to ansible-playbook, comma-separated names (see playbook-env.ts). */
    PLAYBOOK_ENV: optionalString.transform((v, ctx) => {
      const names = (v ?? "")
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean);
      for (const name of names) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
          ctx.addIssue({ code: "custom", message: `${name} is not a variable name` });
        else if (AC_SECRETS.includes(name))
          ctx.addIssue({ code: "custom", message: `${name} is AC's own secret and is never passed to playbooks` });
      }
      return names;
    }),
    /** Seconds a group's cached version list (tags_cache) is used before it is read again. */
    TAGS_CACHE_MAX_AGE: seconds(600),

    // Alert notifications (docs/alerts.md, "Delivery")
    /** Seconds one notification request (HTTP or SMTP) may take. */
    ALERT_DELIVERY_TIMEOUT: z.coerce.number().int().min(1).max(120).default(10),
    /** Hours a message is retried while its receiver fails; older ones are given up (logged as expired). */
    ALERT_DELIVERY_MAX_AGE: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 14)
      .default(24),
    /** Seconds before the first retry of a failed delivery; later retries back off exponentially. */
    ALERT_DELIVERY_RETRY_DELAY: z.coerce.number().int().min(1).max(3600).default(10),
  })
  .superRefine((c, ctx) => {
    // A default outside the playbook directories could never run: say so at start, not at the first update.
    if (!c.PLAYBOOK_DIRS.some((dir) => isInside(dir, c.DEFAULT_UPDATE_PLAYBOOK))) {
      ctx.addIssue({
        code: "custom",
        path: ["DEFAULT_UPDATE_PLAYBOOK"],
        message: `${c.DEFAULT_UPDATE_PLAYBOOK} is not inside PLAYBOOK_DIRS (${c.PLAYBOOK_DIRS.join(":")})`,
      });
    }
    if (c.AGENT_MAX_BYTES_IN_FLIGHT < c.AGENT_MAX_RESPONSE_BYTES) {
      ctx.addIssue({
        code: "custom",
        path: ["AGENT_MAX_BYTES_IN_FLIGHT"],
        message: "must be at least AGENT_MAX_RESPONSE_BYTES, or the largest allowed reply could never be read",
      });
    }
  });

/** Whether `file` lies below `dir` (both absolute; no file system access: playbook-paths.ts adds realpath). */
export function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== "" && relative.split(path.sep)[0] !== ".." && !path.isAbsolute(relative);
}

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
