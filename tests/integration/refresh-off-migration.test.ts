// Migration restore_refresh_off (docs/architecture.md, "Change feed", Fallback): users.refresh_seconds
// 0 meant Off until the live pages made it Live (-1 is Off now). Users whose recorded last pick
// before the live pages' migration was Off get -1 back; a stored 0 with no such record (never
// picked, or picked before the audit log) stays Live, since it cannot be told apart.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { db } from "@/server/db";
import { createContextInner } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import { applyMigrations } from "@/tools/db/apply-migrations";
import { createTestDatabase, type TestDatabase } from "../setup/db-helpers";

const migrationsDir = path.resolve(import.meta.dirname, "../../prisma/migrations");
const LIVE_MIGRATION = "20261201111657_live_task_notify";
const RESTORE_MIGRATION = "20261201140610_restore_refresh_off";

let database: TestDatabase | undefined;
afterAll(() => database?.drop());

/** The migrations folder up to, not including, `name`. */
async function migrationsBefore(name: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ac-migrations-"));
  for (const entry of await fs.readdir(migrationsDir))
    if (entry < name) await fs.cp(path.join(migrationsDir, entry), path.join(dir, entry), { recursive: true });
  return dir;
}

/** The audit row the API writes for a pick, read back from this file's own (fully migrated) database. */
async function auditRowOfAPick() {
  const user = await db().user.create({ data: { login: "picker", passwordHash: "x", role: "viewer" } });
  const caller = createCaller(
    createContextInner({ kind: "user", id: user.id, login: user.login, displayName: null, role: "viewer" }),
  );
  await caller.users.setRefreshInterval({ seconds: 15 });
  return db().auditEntry.findFirstOrThrow({
    where: { action: "users.setRefreshInterval" },
    select: { actorKind: true, actorId: true, action: true, outcome: true, changes: true },
  });
}

it("gives Off back to users whose last recorded pick before the live pages was Off, and to no one else", async () => {
  // The row the migration reads is the one the API writes: its shape, not a guess.
  const real = await auditRowOfAPick();
  expect(real).toMatchObject({ actorKind: "user", outcome: "success", changes: { refreshSeconds: { to: 15 } } });

  database = await createTestDatabase({ migrated: false });
  await applyMigrations(database.url, { migrationsDir: await migrationsBefore(LIVE_MIGRATION) });
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const users = ["olga", "pete", "rita", "sam", "tina", "uma", "vic", "walt"];
    const ids: Record<string, number> = {};
    for (const login of users) {
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO users (login, password_hash, updated_at) VALUES ($1, 'x', now()) RETURNING id`,
        [login],
      );
      ids[login] = rows[0]!.id;
    }
    const pick = (login: string, to: number, at: string, extra: { kind?: string; outcome?: string } = {}) =>
      client.query(
        `INSERT INTO audit_log (created_at, actor_kind, actor_id, actor_name, user_id, action, target_type, target_id, changes, outcome)
         VALUES ($1::timestamp(3), $2::"AuditActorKind", $3::int, $4, $3::int, $5, 'user', $3::text, $6::jsonb, $7::"AuditOutcome")`,
        [
          at,
          extra.kind ?? real.actorKind,
          ids[login],
          login,
          real.action,
          JSON.stringify({ refreshSeconds: { from: null, to } }),
          extra.outcome ?? real.outcome,
        ],
      );
    const store = (login: string, seconds: number) =>
      client.query("UPDATE users SET refresh_seconds = $2 WHERE id = $1", [ids[login], seconds]);

    // Before the live pages, with the old meaning (0 = Off):
    await pick("olga", 0, "2026-11-30 10:00:00"); // picked Off
    await pick("rita", 0, "2026-11-30 10:00:00"); // picked Off, then 15 s
    await pick("rita", 15, "2026-11-30 11:00:00");
    await store("rita", 15);
    await pick("sam", 30, "2026-11-30 10:00:00"); // 30 s, then Off
    await pick("sam", 0, "2026-11-30 11:00:00");
    await pick("tina", 0, "2026-11-30 10:00:00"); // Off, then (below) Live on purpose after the release
    await pick("uma", 0, "2026-11-30 10:00:00", { outcome: "failure" }); // a pick that failed changed nothing
    await pick("vic", 0, "2026-11-30 10:00:00", { kind: "token" }); // a token's pick stores nothing
    await pick("walt", 0, "2026-11-30 10:00:00"); // Off, then (below) 60 s after the release
    // pete never picked: his 0 was the default, then and now.

    await applyMigrations(database.url, { migrationsDir: await migrationsBefore(RESTORE_MIGRATION) });
    const { rows: released } = await client.query<{ at: string }>(
      `SELECT to_char((finished_at AT TIME ZONE 'UTC') + interval '1 second', 'YYYY-MM-DD HH24:MI:SS.MS') AS at
       FROM _prisma_migrations WHERE migration_name = $1`,
      [LIVE_MIGRATION],
    );
    // After the live pages, with the new meaning (0 = Live, -1 = Off):
    await pick("tina", 0, released[0]!.at);
    await pick("walt", 60, released[0]!.at);
    await store("walt", 60);

    await applyMigrations(database.url, { migrationsDir });
    const { rows } = await client.query<{ login: string; refresh_seconds: number }>(
      "SELECT login, refresh_seconds FROM users ORDER BY login",
    );
    expect(Object.fromEntries(rows.map((r) => [r.login, r.refresh_seconds]))).toEqual({
      olga: -1,
      pete: 0,
      rita: 15,
      sam: -1,
      tina: 0,
      uma: 0,
      vic: 0,
      walt: 60,
    });
    const { rows: audit } = await client.query(
      `SELECT actor_kind, actor_name, target_label, changes FROM audit_log
       WHERE action = 'users.restoreRefreshOff' ORDER BY target_label`,
    );
    expect(audit).toEqual(
      ["olga", "sam"].map((login) => ({
        actor_kind: "job",
        actor_name: "job:migration",
        target_label: login,
        changes: { refreshSeconds: { from: 0, to: -1 } },
      })),
    );
  } finally {
    await client.end();
  }
});

it("refuses any other refresh value with a message that names the choices", async () => {
  const user = await db().user.create({ data: { login: "validator", passwordHash: "x", role: "viewer" } });
  const caller = createCaller(
    createContextInner({ kind: "user", id: user.id, login: user.login, displayName: null, role: "viewer" }),
  );
  for (const seconds of [7, -2, 3600, 0.5]) {
    await expect(caller.users.setRefreshInterval({ seconds: seconds as 5 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Refresh must be Live (0), Off (-1) or every 5, 15, 30 or 60 seconds"),
    });
  }
  await caller.users.setRefreshInterval({ seconds: -1 });
  expect((await caller.users.me()).refreshSeconds).toBe(-1);
});
