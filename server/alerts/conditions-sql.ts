// Each rule kind's condition as one set-based statement over what polling and syncing store
// (docs/alerts.md, "Evaluation"): every enabled rule of the kind at once, passed as $1 (a JSON
// array of {id, scope_kind, scope_id, params}, params already checked by rule-kinds.ts), at the
// evaluation time $2. Each yields rows (rule_id, subject, label, detail): one per subject whose
// condition holds now. No statement depends on the fleet's size in number, only in rows read.
import type { AlertRuleKind } from "../generated/prisma/enums";

const rules = `jsonb_to_recordset($1::jsonb) AS r(id int, scope_kind text, scope_id int, params jsonb)`;

/** A server is in scope directly, or through an instance of the group / catalog entry. */
const serverInScope = (s: string) => `(r.scope_kind = 'all'
  OR (r.scope_kind = 'server' AND ${s}.id = r.scope_id)
  OR (r.scope_kind = 'group' AND EXISTS (SELECT 1 FROM application_instances si WHERE si.server_id = ${s}.id AND si.group_id = r.scope_id))
  OR (r.scope_kind = 'catalog' AND EXISTS (SELECT 1 FROM application_instances si WHERE si.server_id = ${s}.id AND si.catalog_id = r.scope_id)))`;

const groupInScope = (g: string) =>
  `(r.scope_kind = 'all' OR (r.scope_kind = 'group' AND ${g}.id = r.scope_id) OR (r.scope_kind = 'catalog' AND ${g}.catalog_id = r.scope_id))`;

/** hi: haproxy_instances, b: haproxy_backends (or null for instance-level kinds). */
const haproxyInScope = (b: string | null) => `(r.scope_kind = 'all'
  OR (r.scope_kind = 'server' AND hi.server_id = r.scope_id)
  OR (r.scope_kind = 'haproxy_instance' AND hi.id = r.scope_id)${b ? `\n  OR (r.scope_kind = 'haproxy_backend' AND ${b}.id = r.scope_id)` : ""})`;

const firstWord = (column: string) => `split_part(upper(coalesce(${column}, '')), ' ', 1)`;

export const conditionSql: Record<AlertRuleKind, string> = {
  server_offline: `
    SELECT r.id, 'server:' || s.id, 'server ' || s.name, coalesce(s.last_error, 'offline')
    FROM ${rules} JOIN servers s ON s.status = 'offline' AND ${serverInScope("s")}`,

  agent_reply_invalid: `
    SELECT r.id, 'server:' || s.id, 'server ' || s.name, s.last_error
    FROM ${rules} JOIN servers s ON s.status = 'online' AND s.last_error IS NOT NULL AND ${serverInScope("s")}`,

  instance_status: `
    SELECT r.id, 'instance:' || i.id, i.instance_name || ' on ' || s.name, 'status ' || i.status
    FROM ${rules}
    JOIN application_instances i ON (r.params->'statuses') ? i.status::text
      AND (r.scope_kind = 'all' OR (r.scope_kind = 'server' AND i.server_id = r.scope_id)
        OR (r.scope_kind = 'group' AND i.group_id = r.scope_id) OR (r.scope_kind = 'catalog' AND i.catalog_id = r.scope_id))
    JOIN servers s ON s.id = i.server_id`,

  group_online_low: `
    WITH counts AS (
      SELECT group_id, count(*) AS total, count(*) FILTER (WHERE status = 'online') AS online
      FROM application_instances WHERE group_id IS NOT NULL GROUP BY group_id)
    SELECT r.id, 'group:' || g.id, 'group ' || g.name, c.online || ' of ' || c.total || ' instances online'
    FROM ${rules} JOIN application_groups g ON ${groupInScope("g")} JOIN counts c ON c.group_id = g.id
    WHERE (r.params ? 'minOnline' AND c.online < (r.params->>'minOnline')::numeric)
       OR (r.params ? 'minPercent' AND c.online * 100 < (r.params->>'minPercent')::numeric * c.total)`,

  group_version_drift: `
    WITH versions AS (
      SELECT group_id, count(DISTINCT coalesce(version, tag)) AS n,
        left(string_agg(DISTINCT coalesce(version, tag), ', ' ORDER BY coalesce(version, tag)), 300) AS list
      FROM application_instances WHERE group_id IS NOT NULL AND coalesce(version, tag) IS NOT NULL
      GROUP BY group_id HAVING count(DISTINCT coalesce(version, tag)) > 1)
    SELECT r.id, 'group:' || g.id, 'group ' || g.name, v.n || ' versions: ' || v.list
    FROM ${rules} JOIN application_groups g ON ${groupInScope("g")} JOIN versions v ON v.group_id = g.id`,

  haproxy_server_status: `
    SELECT r.id, 'haproxy-server:' || hs.id, hi.name || '/' || b.backend_name || '/' || hs.server_name, 'status ' || hs.status
    FROM ${rules}
    JOIN haproxy_servers hs ON hs.removed_at IS NULL AND (r.params->'statuses') ? ${firstWord("hs.status")}
    JOIN haproxy_backends b ON b.id = hs.backend_id AND b.removed_at IS NULL
    JOIN haproxy_instances hi ON hi.id = b.haproxy_instance_id AND hi.is_active
    WHERE ${haproxyInScope("b")}`,

  backend_up_low: `
    WITH counts AS (
      SELECT backend_id, count(*) AS total, count(*) FILTER (WHERE ${firstWord("status")} = 'UP') AS up
      FROM haproxy_servers WHERE removed_at IS NULL GROUP BY backend_id)
    SELECT r.id, 'backend:' || b.id, hi.name || '/' || b.backend_name, c.up || ' of ' || c.total || ' servers UP'
    FROM ${rules}
    JOIN haproxy_backends b ON b.removed_at IS NULL
    JOIN haproxy_instances hi ON hi.id = b.haproxy_instance_id AND hi.is_active
    JOIN counts c ON c.backend_id = b.id
    WHERE ${haproxyInScope("b")} AND c.up * 100 < (r.params->>'minPercent')::numeric * c.total`,

  // The breaker is shared by the replicas in PostgreSQL (server/haproxy/breaker.ts): open (or half-open) while opened_at is set.
  breaker_open: `
    SELECT r.id, 'haproxy:' || hi.id, 'HAProxy ' || s.name || '/' || hi.name,
      'circuit breaker open' || coalesce(' (last error: ' || left(hb.last_error, 300) || ')', '')
    FROM ${rules}
    JOIN haproxy_instances hi ON hi.is_active AND ${haproxyInScope(null)}
    JOIN haproxy_breakers hb ON hb.haproxy_instance_id = hi.id AND hb.opened_at IS NOT NULL
    JOIN servers s ON s.id = hi.server_id`,

  sync_failing: `
    SELECT r.id, 'haproxy:' || hi.id, 'HAProxy ' || s.name || '/' || hi.name, hi.last_sync_error
    FROM ${rules}
    JOIN haproxy_instances hi ON hi.is_active AND hi.last_sync_success = false AND ${haproxyInScope(null)}
    JOIN servers s ON s.id = hi.server_id`,

  task_failed: `
    SELECT r.id, 'task:' || t.id, 'task ' || t.kind || ' ' || left(t.id::text, 8), t.status || coalesce(': ' || t.error, '')
    FROM ${rules}
    JOIN tasks t ON (r.params->'statuses') ? t.status::text
      AND t.finished_at >= $2::timestamp(3) - make_interval(secs => (r.params->>'withinSeconds')::int)
      AND (r.scope_kind = 'all' OR (r.scope_kind = 'group' AND t.target->>'groupId' = r.scope_id::text))`,

  // Paused since progress.pause.since (written by AC, checked before the cast so that one odd row
  // cannot fail the evaluation; when the task started otherwise). A rollout is in scope of any of its groups.
  task_paused: `
    SELECT r.id, 'task:' || t.id, 'task ' || t.kind || ' ' || left(t.id::text, 8),
      'paused since ' || to_char(p.since, 'YYYY-MM-DD HH24:MI') || ' UTC'
        || CASE t.progress #>> '{pause,reason}' WHEN 'canary' THEN ' after the canary' WHEN 'stage' THEN ' between groups' ELSE '' END
        || ', waiting for Continue'
    FROM ${rules}
    JOIN tasks t ON t.status = 'paused'
      AND (r.scope_kind = 'all' OR (r.scope_kind = 'group'
        AND (t.target->>'groupId' = r.scope_id::text OR coalesce(t.target->'groupIds', '[]') @> to_jsonb(r.scope_id))))
    CROSS JOIN LATERAL (SELECT CASE WHEN t.progress #>> '{pause,since}' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?Z$'
      THEN (t.progress #>> '{pause,since}')::timestamp(3) ELSE coalesce(t.started_at, t.created_at) END AS since) p
    WHERE p.since <= $2::timestamp(3) - make_interval(mins => (r.params->>'minutes')::int)`,

  // $3: POLLING_INTERVAL in seconds. last_run_at is when the last recorded cycle started.
  poll_cycle: `
    SELECT r.id, 'poll-cycle', 'poll cycle',
      CASE WHEN j.last_run_at < $2::timestamp(3) - make_interval(secs => $3 * (r.params->>'overdueFactor')::numeric)
             THEN 'no cycle started since ' || to_char(j.last_run_at, 'YYYY-MM-DD HH24:MI:SS') || ' UTC'
           WHEN j.last_error IS NOT NULL THEN 'the last cycle failed: ' || j.last_error
           ELSE (j.summary->>'failures') || ' of ' || (j.summary->>'servers') || ' servers failed' END
    FROM ${rules} JOIN job_runs j ON j.name = 'poll-agents'
    WHERE j.last_run_at < $2::timestamp(3) - make_interval(secs => $3 * (r.params->>'overdueFactor')::numeric)
       OR j.last_error IS NOT NULL
       OR (jsonb_typeof(j.summary->'servers') = 'number' AND jsonb_typeof(j.summary->'failures') = 'number'
           AND (j.summary->>'failures')::numeric * 100 > (r.params->>'maxFailingPercent')::numeric * (j.summary->>'servers')::numeric)`,
};
