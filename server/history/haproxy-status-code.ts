// The one rule that turns a stored HAProxy status into a chart's step (docs/history.md, "What is
// recorded"): its leading word's code in HAPROXY_STATUS_CODES ("UP 1/3" is UP, "MAINT (via be/s)"
// MAINT), a word AC does not know "other". In SQL only: the writer's per-status samples
// (write.ts) and the status chart (haproxy-status.ts) both read the code it computes.
import { Prisma } from "../db";
import { HAPROXY_STATUS_CODES } from "../../lib/history";

const KNOWN = HAPROXY_STATUS_CODES.slice(0, -1);
const OTHER = HAPROXY_STATUS_CODES.length - 1;

/** The status columns it reads (a fixed list: the name is written into the query as it is). */
type StatusColumn = "s.status" | "status" | "old_status" | "new_status";

/** The code of a status column as an SQL expression (an int; NULL for no status). */
export function haproxyStatusCode(column: StatusColumn): Prisma.Sql {
  const status = Prisma.raw(column);
  return Prisma.sql`CASE WHEN ${status} IS NULL THEN NULL
    ELSE coalesce(array_position(${[...KNOWN]}::text[], substring(${status} from '^[A-Z]+')) - 1, ${OTHER}::int) END`;
}
