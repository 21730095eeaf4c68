// HAProxy rows for the pages benchmark (tools/bench/pages-bench.ts), in the database the inventory
// seed filled (seed-inventory.ts): `instances` of its servers become HAProxy nodes with one instance
// each, every instance `backends` backends and every backend up to `servers` servers, each mapped
// to an application instance, as a first sync with auto-mapping leaves them (the shape of
// haproxy-bench.ts: 50 × 20 × 20 = 20,000 servers). Backend k fronts the instances of the k-th
// largest group, so a backend's servers are one application's instances on different hosts. All
// in four INSERT … SELECT statements over generate_series: nothing row by row, nothing through Node.
import pg from "pg";

export type HaproxySeedOptions = { instances: number; backends: number; servers: number };

export const defaultHaproxySeed: HaproxySeedOptions = { instances: 50, backends: 20, servers: 20 };

export type HaproxySeedResult = {
  instances: number;
  backends: number;
  servers: number;
  mapped: number;
  /** The backend with the most servers, and the instance it belongs to, for the page targets. */
  backend: { id: number; name: string; instanceId: number; servers: number };
  ms: number;
};

export async function seedHaproxy(url: string, o: HaproxySeedOptions = defaultHaproxySeed): Promise<HaproxySeedResult> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    // The first servers by id double as the load balancers.
    await client.query(
      `WITH nodes AS (
         SELECT id FROM servers ORDER BY id LIMIT $1::int)
       UPDATE servers s SET is_haproxy_node = true FROM nodes WHERE s.id = nodes.id`,
      [o.instances],
    );
    await client.query(
      `INSERT INTO haproxy_instances (name, server_id, last_sync_at, last_sync_success, updated_at)
       SELECT 'lb', id, now() - interval '20 seconds', true, now() FROM servers WHERE is_haproxy_node ORDER BY id`,
    );
    await client.query(
      `WITH ranked AS (
         SELECT g.id, g.name, row_number() OVER (ORDER BY count(*) DESC, g.id) AS rank
         FROM application_groups g JOIN application_instances i ON i.group_id = g.id GROUP BY g.id),
       lbs AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM haproxy_instances)
       INSERT INTO haproxy_backends (haproxy_instance_id, backend_name, updated_at)
       SELECT lbs.id, 'be_' || r.name, now()
       FROM lbs JOIN ranked r ON r.rank BETWEEN (lbs.n - 1) * $1::int + 1 AND lbs.n * $1::int`,
      [o.backends],
    );
    // Statuses as a healthy fleet shows them: mostly UP, a few DOWN, in maintenance or draining;
    // one server in a hundred left unmapped by the auto-mapping.
    await client.query(
      `WITH members AS (
         SELECT b.id AS backend_id, i.id AS instance_id, s.name AS host, s.ip, i.port,
           row_number() OVER (PARTITION BY b.id ORDER BY i.id) AS n
         FROM haproxy_backends b
         JOIN application_groups g ON 'be_' || g.name = b.backend_name
         JOIN application_instances i ON i.group_id = g.id
         JOIN servers s ON s.id = i.server_id)
       INSERT INTO haproxy_servers (backend_id, server_name, address, status, weight, current_sessions, max_sessions,
         application_instance_id, mapping_type, mapping_note, last_status_change, updated_at)
       SELECT backend_id, host || '_' || port, ip || ':' || port,
         CASE WHEN h < 90 THEN 'UP' WHEN h < 95 THEN 'DOWN' WHEN h < 98 THEN 'MAINT' ELSE 'DRAIN' END,
         100, (h * 7) % 60, 200 + h,
         CASE WHEN h = 42 THEN NULL ELSE instance_id END,
         CASE WHEN h = 42 THEN NULL ELSE 'auto' END::"MappingType",
         CASE WHEN h = 42 THEN 'no application instance listens on that address' END,
         now() - (h || ' hours')::interval, now()
       FROM (SELECT *, (instance_id * 37 + backend_id) % 100 AS h FROM members WHERE n <= $1::int) m`,
      [o.servers],
    );
    await client.query("COMMIT");
    await client.query("ANALYZE servers, haproxy_instances, haproxy_backends, haproxy_servers");
    const counts = (
      await client.query<{ instances: number; backends: number; servers: number; mapped: number }>(`SELECT
        (SELECT count(*)::int FROM haproxy_instances) AS instances, (SELECT count(*)::int FROM haproxy_backends) AS backends,
        (SELECT count(*)::int FROM haproxy_servers) AS servers,
        (SELECT count(*)::int FROM haproxy_servers WHERE application_instance_id IS NOT NULL) AS mapped`)
    ).rows[0]!;
    const backend = (
      await client.query<HaproxySeedResult["backend"]>(
        `SELECT b.id, b.backend_name AS name, b.haproxy_instance_id AS "instanceId", count(*)::int AS servers
         FROM haproxy_backends b JOIN haproxy_servers s ON s.backend_id = b.id
         GROUP BY b.id ORDER BY count(*) DESC, b.id LIMIT 1`,
      )
    ).rows[0]!;
    return { ...counts, backend, ms: Math.round(performance.now() - started) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
