// The audit_log migration carries the old HAProxy action log over (docs/audit.md): each
// haproxy_actions row becomes a haproxy.command audit row, a task's commands become rows of the
// update-task job on behalf of who started the task, and the old table is gone.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { applyMigrations } from "@/tools/db/apply-migrations";
import { createTestDatabase, type TestDatabase } from "../setup/db-helpers";

const migrationsDir = path.resolve(import.meta.dirname, "../../prisma/migrations");
const AUDIT_MIGRATION = "20261201093649_audit_log";

let database: TestDatabase | undefined;
afterAll(() => database?.drop());

it("turns haproxy_actions into audit rows, in order, and drops the table", async () => {
  database = await createTestDatabase({ migrated: false });
  const before = await fs.mkdtemp(path.join(os.tmpdir(), "ac-migrations-"));
  for (const entry of await fs.readdir(migrationsDir)) {
    if (entry >= AUDIT_MIGRATION) continue;
    await fs.cp(path.join(migrationsDir, entry), path.join(before, entry), { recursive: true });
  }
  await applyMigrations(database.url, { migrationsDir: before });

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(`INSERT INTO users (login, password_hash, updated_at) VALUES ('olga', 'x', now())`);
    await client.query(`
      INSERT INTO haproxy_actions (actor, command, haproxy_instance_id, haproxy_server_id, target, result, error, duration_ms, task_id, created_at)
      VALUES ('olga', 'drain', 3, 7, 'lb1/be/web1', 'success', NULL, 12, NULL, '2026-11-01 10:00:00'),
             ('token:ci', 'maint', 3, 8, 'lb1/be/web2', 'refused', 'needs the operator role', 0, NULL, '2026-11-01 10:01:00'),
             ('olga', 'ready', 3, 7, 'lb1/be/web1', 'failed', 'agent down', 40, '11111111-1111-4111-8111-111111111111', '2026-11-01 10:02:00')`);
    await applyMigrations(database.url, { migrationsDir });

    const { rows } = await client.query(
      `SELECT actor_kind, actor_name, user_id IS NOT NULL AS has_user, action, target_type, target_id, target_label,
        details, outcome, error, task_id FROM audit_log ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        actor_kind: "user",
        actor_name: "olga",
        has_user: true,
        action: "haproxy.command",
        target_type: "haproxy_server",
        target_id: "7",
        target_label: "lb1/be/web1",
        details: { command: "drain", instanceId: 3, durationMs: 12 },
        outcome: "success",
        error: null,
        task_id: null,
      },
      {
        actor_kind: "token",
        actor_name: "token:ci",
        has_user: false,
        action: "haproxy.command",
        target_type: "haproxy_server",
        target_id: "8",
        target_label: "lb1/be/web2",
        details: { command: "maint", instanceId: 3, durationMs: 0 },
        outcome: "refused",
        error: "needs the operator role",
        task_id: null,
      },
      {
        actor_kind: "job",
        actor_name: "job:update-task",
        has_user: true,
        action: "haproxy.command",
        target_type: "haproxy_server",
        target_id: "7",
        target_label: "lb1/be/web1",
        details: { command: "ready", instanceId: 3, durationMs: 40, startedBy: "olga" },
        outcome: "failure",
        error: "agent down",
        task_id: "11111111-1111-4111-8111-111111111111",
      },
    ]);
    const { rows: tables } = await client.query(`SELECT to_regclass('haproxy_actions') AS t`);
    expect(tables[0].t).toBeNull();
  } finally {
    await client.end();
  }
});
