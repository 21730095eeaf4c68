// Every setting AC reads from the environment, parsed once and validated. Nothing else in the
// code base reads process.env for settings. A bad value stops start-up with a message that
// names the variable and what it accepts. Each is described in .env.example.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import "../lib/zod-messages";
import { parseRoleMap } from "./auth/sso/role-map";
import { parseEurekaBases } from "./eureka/urls";
import { parseTrustedProxies } from "./http/client-address";
import { redactUrlCredentials } from "./security/redact-url";
import { fenceAfterMs } from "./tasks/fence-timing";

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
export const AC_SECRETS = [
  "AUTH_SECRET",
  "NEXTAUTH_SECRET",
  "DATABASE_URL",
  "TEST_DATABASE_URL",
  "AC_ADMIN_PASSWORD",
  "AC_METRICS_TOKEN",
  "AC_OIDC_CLIENT_SECRET",
  "AC_LDAP_BIND_PASSWORD",
  "AC_EUREKA_PASSWORD",
];

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
    // Retention (docs/operations.md, "Retention"): days kept, pruned by the cleanup job in batches.
    CLEAN_EVENTS_OLDER_THAN: days(30),
    CLEAN_TASKS_OLDER_THAN: days(30),
    CLEAN_VERSION_HISTORY_OLDER_THAN: days(730),
    CLEAN_HAPROXY_STATUS_HISTORY_OLDER_THAN: days(90),
    /** HAProxy backends and servers gone from the agent (removed_at) this long are deleted. */
    CLEAN_HAPROXY_REMOVED_OLDER_THAN: days(30),
    /** API tokens revoked or expired this long ago are deleted. */
    CLEAN_API_TOKENS_OLDER_THAN: days(90),
    /** pg-boss's archive of finished queue jobs (server/jobs/boss.ts). */
    CLEAN_JOB_HISTORY_OLDER_THAN: days(2),
    /** Rows one DELETE of the cleanup job removes: each batch is its own short transaction. */
    CLEANUP_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
    /** Batches per table per cleanup run, so one run ends; a larger backlog is taken by the next runs. */
    CLEANUP_MAX_BATCHES: z.coerce.number().int().min(1).max(10_000).default(50),
    // Metric history (docs/history.md): raw samples, then 5-minute and hourly rollups.
    /** Hours of raw samples (one per sync or poll cycle); charts of up to this range read them. */
    HISTORY_RAW_RETENTION_HOURS: z.coerce.number().int().min(2).max(336).default(48),
    /** Days of 5-minute rollups; charts of up to this range read them. */
    HISTORY_5M_RETENTION_DAYS: z.coerce.number().int().min(1).max(366).default(30),
    /** Days of hourly rollups: the longest range a chart can show. */
    HISTORY_1H_RETENTION_DAYS: z.coerce.number().int().min(1).max(3660).default(365),
    /** Batches per history table per cleanup run: the raw table loses as many rows a day as it gains. */
    HISTORY_CLEANUP_MAX_BATCHES: z.coerce.number().int().min(1).max(100_000).default(1000),
    /** Days to keep audit rows (docs/audit.md, "Retention"). */
    AC_AUDIT_RETENTION_DAYS: days(365),
    /** Turns the scheduler (polling, cleanup, heartbeat) off, e.g. for a read-only replica. */
    SCHEDULER_ENABLED: bool(true),
    /** Servers per poll chunk: a cycle is split into chunks that every replica's workers share (docs/operations.md, "Replicas"). */
    POLL_CHUNK_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
    /** Seconds between the re-checks of a live page's access (session, token, role); a revoked one ends its stream (docs/api.md, "Subscriptions"). */
    LIVE_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
    /** Open live streams per user (an API token counts for its owner); the next is refused with TOO_MANY_REQUESTS (docs/api.md, "Subscriptions"). */
    LIVE_MAX_STREAMS_PER_ACTOR: z.coerce.number().int().min(1).max(1000).default(20),
    /** Open live streams per AC process, all users together. */
    LIVE_MAX_STREAMS: z.coerce.number().int().min(1).max(100_000).default(1000),
    /** This replica's name in job_runs and the logs; default <hostname>:<pid>. */
    AC_REPLICA_NAME: optionalString.pipe(z.string().max(100, "at most 100 characters").optional()),

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
    /** After the drain delay, wait up to this many seconds for the drained servers' sessions (0: don't wait). */
    TASK_DRAIN_TIMEOUT: z.coerce.number().int().min(0).max(3600).default(300),
    /** The wait ends once every drained server has at most this many current sessions. */
    TASK_DRAIN_SESSION_THRESHOLD: z.coerce.number().int().min(0).max(100_000).default(0),
    /** When sessions are still above the threshold at the timeout: fail the batch (safe) or continue. */
    TASK_DRAIN_ON_TIMEOUT: z.enum(["fail", "continue"], { error: "must be fail or continue" }).default("fail"),
    TASK_WAIT_AFTER_UPDATE: z.coerce.number().int().min(0).max(3600).default(10),
    /** Seconds the agent has, after the playbook, to report the instance online with the target version. */
    TASK_CONFIRM_TIMEOUT: seconds(120),
    /** Seconds one ansible-playbook run may take before its process group is killed. */
    TASK_PLAYBOOK_TIMEOUT: seconds(3600),
    /** false: this replica only enqueues update tasks; a replica with it true claims and runs them. */
    TASK_RUNNER_ENABLED: bool(true),
    /** Seconds a runner's claim on a running task holds without a heartbeat; then any runner marks it interrupted. */
    TASK_LEASE_SECONDS: z.coerce.number().int().min(3).max(3600).default(30),
    /** Seconds between a runner's heartbeats (lease renewal, "cancel now" from other replicas). */
    TASK_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(600).default(5),
    /** Seconds a task's step and final writes are retried through a database outage. */
    TASK_DB_RETRY_SECONDS: z.coerce.number().int().min(0).max(3600).default(180),
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
    /** Eureka servers update tasks may call, comma-separated base URLs (docs/update-tasks.md, "Eureka"). */
    AC_EUREKA_URLS: z
      .string()
      .default("")
      .transform((value, ctx) => {
        try {
          return parseEurekaBases(value);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** Basic credentials for those servers (both or neither). */
    AC_EUREKA_USERNAME: optionalString,
    AC_EUREKA_PASSWORD: optionalString,
    /** Seconds one Eureka request may take. */
    AC_EUREKA_TIMEOUT: z.coerce.number().int().min(1).max(120).default(10),
    /** Seconds a group's cached version list (tags_cache) is used before it is read again. */
    TAGS_CACHE_MAX_AGE: seconds(600),

    // Prometheus metrics (docs/metrics.md)
    /** Bearer token Prometheus sends to /api/metrics; unset, the endpoint answers 404. */
    AC_METRICS_TOKEN: optionalString.pipe(
      z
        .string()
        .min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)")
        .max(512, "must be at most 512 characters")
        .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces (it travels in an HTTP header)")
        .optional(),
    ),
    // Single sign-on (docs/authentication.md)
    /** Local accounts (password in AC) may log in; false leaves only OIDC / LDAP. */
    AC_LOCAL_LOGIN: bool(true),
    /** group=role pairs, comma-separated; the highest role of a user's mapped groups wins. */
    AC_SSO_ROLE_MAP: optionalString.transform((value, ctx) => {
      try {
        return parseRoleMap(value ?? "");
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
    /** Minutes between re-reads of an SSO user's groups while their session is used. */
    AC_SSO_RECHECK_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
    AC_OIDC_ISSUER: optionalString.pipe(
      z
        .url({ protocol: /^https?$/, error: "must be the issuer's http(s):// URL" })
        .transform((url) => url.replace(/\/+$/, ""))
        .optional(),
    ),
    AC_OIDC_CLIENT_ID: optionalString,
    AC_OIDC_CLIENT_SECRET: optionalString,
    AC_OIDC_SCOPES: z
      .string()
      .trim()
      .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, "must be scopes separated by single spaces")
      .refine((v) => v.split(" ").includes("openid"), "must include openid")
      .default("openid profile email"),
    /** The ID token / userinfo claim that lists the user's groups. */
    AC_OIDC_GROUPS_CLAIM: z.string().trim().min(1).max(100).default("groups"),
    /** The claim that becomes the AC login name. */
    AC_OIDC_LOGIN_CLAIM: z.string().trim().min(1).max(100).default("preferred_username"),
    /** The label of the login page's button. */
    AC_OIDC_NAME: z.string().trim().min(1).max(60).default("Single sign-on"),
    AC_LDAP_URL: optionalString.pipe(
      z.url({ protocol: /^ldaps?$/, error: "must be an ldap:// or ldaps:// URL" }).optional(),
    ),
    AC_LDAP_BIND_DN: optionalString,
    AC_LDAP_BIND_PASSWORD: optionalString,
    AC_LDAP_USER_BASE: optionalString,
    /** {login} is replaced by the login, escaped (RFC 4515). */
    AC_LDAP_USER_FILTER: z
      .string()
      .trim()
      .refine((v) => v.includes("{login}"), "must contain {login}")
      .default("(&(objectClass=inetOrgPerson)(uid={login}))"),
    /** The attribute shown as the user's name. */
    AC_LDAP_NAME_ATTRIBUTE: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/, "must be an attribute name")
      .default("cn"),
    /**
     * The attribute that names a directory entry for good, whatever its login or DN becomes:
     * entryUUID (OpenLDAP, RFC 4530), objectGUID (Active Directory). docs/authentication.md, "LDAP".
     */
    AC_LDAP_ID_ATTRIBUTE: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, "must be an attribute name")
      .default("entryUUID"),
    AC_LDAP_GROUP_BASE: optionalString,
    /** {dn} is replaced by the member's DN, escaped; AD: (member:1.2.840.113556.1.4.1941:={dn}) finds nested groups. */
    AC_LDAP_GROUP_FILTER: z
      .string()
      .trim()
      .refine((v) => v.includes("{dn}"), "must contain {dn}")
      .default("(|(member={dn})(uniqueMember={dn}))"),
    AC_LDAP_GROUP_NAME_ATTRIBUTE: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9-]*$/, "must be an attribute name")
      .default("cn"),
    /** Levels of groups-in-groups followed by repeated searches (0 = direct groups only). */
    AC_LDAP_NESTED_DEPTH: z.coerce.number().int().min(0).max(10).default(3),
    AC_LDAP_STARTTLS: bool(false),
    /** PEM file of the CA that signed the directory's certificate (ldaps:// or StartTLS). */
    AC_LDAP_CA_FILE: optionalString,
    /** Seconds to connect and for each LDAP operation. */
    AC_LDAP_TIMEOUT: z.coerce.number().int().min(1).max(120).default(5),
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
    checkSso(c, ctx);
    // A default outside the playbook directories could never run: say so at start, not at the first update.
    if (!c.PLAYBOOK_DIRS.some((dir) => isInside(dir, c.DEFAULT_UPDATE_PLAYBOOK))) {
      ctx.addIssue({
        code: "custom",
        path: ["DEFAULT_UPDATE_PLAYBOOK"],
        message: `${c.DEFAULT_UPDATE_PLAYBOOK} is not inside PLAYBOOK_DIRS (${c.PLAYBOOK_DIRS.join(":")})`,
      });
    }
    // Two missed heartbeats must not cost a live runner its task.
    if (c.TASK_LEASE_SECONDS < 3 * c.TASK_HEARTBEAT_SECONDS) {
      ctx.addIssue({
        code: "custom",
        path: ["TASK_LEASE_SECONDS"],
        message: `must be at least 3 × TASK_HEARTBEAT_SECONDS (${3 * c.TASK_HEARTBEAT_SECONDS})`,
      });
    }
    // A runner fences itself a margin before its lease ends (server/tasks/fence.ts): a live one must
    // still have two heartbeats to renew it in.
    if (fenceAfterMs(c.TASK_LEASE_SECONDS) < 2 * c.TASK_HEARTBEAT_SECONDS * 1000) {
      ctx.addIssue({
        code: "custom",
        path: ["TASK_LEASE_SECONDS"],
        message: `must be at least ${leastLeaseSeconds(c.TASK_HEARTBEAT_SECONDS)}: a runner fences itself a margin before its lease ends and needs 2 × TASK_HEARTBEAT_SECONDS to renew it (docs/update-tasks.md, "Database outages")`,
      });
    }
    if (Boolean(c.AC_EUREKA_USERNAME) !== Boolean(c.AC_EUREKA_PASSWORD)) {
      const name = c.AC_EUREKA_USERNAME ? "AC_EUREKA_PASSWORD" : "AC_EUREKA_USERNAME";
      ctx.addIssue({ code: "custom", path: [name], message: "is required with the other Eureka credential" });
    }
    if (c.AGENT_MAX_BYTES_IN_FLIGHT < c.AGENT_MAX_RESPONSE_BYTES) {
      ctx.addIssue({
        code: "custom",
        path: ["AGENT_MAX_BYTES_IN_FLIGHT"],
        message: "must be at least AGENT_MAX_RESPONSE_BYTES, or the largest allowed reply could never be read",
      });
    }
  });

/** Each single sign-on method is complete or absent, has a role map, and something can log in. */
type SsoSettings = {
  AC_LOCAL_LOGIN: boolean;
  AC_SSO_ROLE_MAP: readonly unknown[];
  AC_OIDC_ISSUER?: string;
  AC_OIDC_CLIENT_ID?: string;
  AC_OIDC_CLIENT_SECRET?: string;
  AC_LDAP_URL?: string;
  AC_LDAP_BIND_DN?: string;
  AC_LDAP_BIND_PASSWORD?: string;
  AC_LDAP_USER_BASE?: string;
  AC_LDAP_GROUP_BASE?: string;
  AC_LDAP_STARTTLS: boolean;
  AC_LDAP_CA_FILE?: string;
};

/** The shortest lease that leaves a runner two heartbeats before its fence (server/tasks/fence.ts). */
function leastLeaseSeconds(heartbeatSeconds: number): number {
  let lease = 3;
  while (fenceAfterMs(lease) < 2 * heartbeatSeconds * 1000) lease++;
  return lease;
}

function checkSso(c: SsoSettings, ctx: z.RefinementCtx) {
  const missing = (names: (keyof typeof c)[], why: string) => {
    for (const name of names)
      if (!c[name]) ctx.addIssue({ code: "custom", path: [name], message: `is required ${why}` });
  };
  const oidc = ["AC_OIDC_ISSUER", "AC_OIDC_CLIENT_ID", "AC_OIDC_CLIENT_SECRET"] as const;
  if (oidc.some((name) => c[name])) missing([...oidc], "for OIDC login (set all three or none)");
  if (c.AC_LDAP_URL) {
    missing(
      ["AC_LDAP_BIND_DN", "AC_LDAP_BIND_PASSWORD", "AC_LDAP_USER_BASE", "AC_LDAP_GROUP_BASE"],
      "with AC_LDAP_URL",
    );
  }
  const sso = Boolean(c.AC_OIDC_ISSUER || c.AC_LDAP_URL);
  if (sso && c.AC_SSO_ROLE_MAP.length === 0) {
    const message = "is required with OIDC or LDAP: without it nobody could get a role";
    ctx.addIssue({ code: "custom", path: ["AC_SSO_ROLE_MAP"], message });
  }
  if (!sso && !c.AC_LOCAL_LOGIN)
    ctx.addIssue({ code: "custom", path: ["AC_LOCAL_LOGIN"], message: "can be false only when OIDC or LDAP is set" });
  if (c.AC_LDAP_STARTTLS && c.AC_LDAP_URL?.startsWith("ldaps:"))
    ctx.addIssue({
      code: "custom",
      path: ["AC_LDAP_STARTTLS"],
      message: "is for ldap:// URLs; ldaps:// is TLS already",
    });
  if (c.AC_LDAP_CA_FILE && !isReadable(c.AC_LDAP_CA_FILE))
    ctx.addIssue({ code: "custom", path: ["AC_LDAP_CA_FILE"], message: "cannot be read (a PEM file is expected)" });
}

function isReadable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

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
