// The metric history's vocabulary, shared by the server and the chart (docs/history.md): what a
// series measures, how a HAProxy status is stored as a number, and the ranges a chart offers.

/** What a series measures; `subject_id` says of what (0: the whole fleet). */
export const HISTORY_KINDS = {
  /** A HAProxy server's current sessions (subject: haproxy_servers.id). */
  haproxyServerSessions: "haproxy_server.sessions",
  /**
   * A HAProxy server's status as a code of HAPROXY_STATUS_CODES (subject: haproxy_servers.id). No
   * longer written: its chart reads the status history (server/history/haproxy-status.ts); series
   * left from before age out through retention (docs/history.md, "What is recorded").
   */
  haproxyServerStatus: "haproxy_server.status",
  /** A backend's servers per status, one series per label (subject: haproxy_backends.id). */
  backendServers: "haproxy_backend.servers",
  /** A backend's total current sessions (subject: haproxy_backends.id). */
  backendSessions: "haproxy_backend.sessions",
  /** HAProxy servers of the fleet per status (label), after each sync. */
  fleetHaproxyServers: "fleet.haproxy_servers",
  /** Servers (agents) of the fleet per status (label), after each poll cycle. */
  fleetServers: "fleet.servers",
  /** Application instances of the fleet per status (label), after each poll cycle. */
  fleetInstances: "fleet.instances",
  /** A group's instances per version (label) (subject: application_groups.id). */
  groupVersions: "group.versions",
  /** Durations in ms of the jobs, label "poll" or "sync". */
  jobDuration: "job.duration_ms",
  /** Failures of the jobs (servers not polled, instances not synced), label "poll" or "sync". */
  jobFailures: "job.failures",
} as const;
export type HistoryKind = (typeof HISTORY_KINDS)[keyof typeof HISTORY_KINDS];

/**
 * A HAProxy status as stored: its leading word's code, worst last, so a rollup's max is the worst
 * status of its bucket. Details ("UP 1/3", "MAINT (via be/s)") count as their leading word, the
 * rule of server/history/haproxy-status-code.ts.
 */
export const HAPROXY_STATUS_CODES = ["UP", "NOLB", "DRAIN", "MAINT", "DOWN", "other"] as const;

/** An instance's status as a step value on its timeline, "up" last. */
export const INSTANCE_STATUS_CODES = ["offline", "no_data", "unknown", "stopping", "starting", "online"] as const;

/** The ranges a chart offers; custom ranges are bounded by MAX_RANGE_DAYS. */
export const CHART_RANGES = { "1h": 3600, "24h": 86_400, "7d": 7 * 86_400, "30d": 30 * 86_400 } as const;
export type ChartRange = keyof typeof CHART_RANGES;
export const MAX_RANGE_DAYS = 366;
/** Points per series a chart receives at most: finer data is averaged into wider steps. */
export const MAX_POINTS = 720;

/** One chart's data, aligned: `values[i]` belongs to `timestamps[i]` (seconds); null: no sample. */
export type ChartData = {
  resolution: "raw" | "5m" | "1h" | "events";
  stepSeconds: number;
  /** The range asked for, in seconds: the chart's time axis. */
  from: number;
  to: number;
  timestamps: number[];
  /** A chart drawn from records of changes: how many days they are kept (older ones are pruned). */
  keptDays?: number;
  /** Series with samples in the range left out: a chart shows at most 40 (server/history/query.ts). */
  omitted?: number;
  series: {
    label: string;
    values: (number | null)[];
    min?: (number | null)[];
    max?: (number | null)[];
    /** A categorical series (a status, a version): value i means names[i]. */
    names?: string[];
  }[];
};
