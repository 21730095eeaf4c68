// A database outage during an update task (docs/update-tasks.md, "Database outages"), with the
// runner's timers on. Shorter than what the lease rides through: PostgreSQL is stopped for 30 s
// while the playbook runs (it ends during the outage, so the step writes, the agent check's
// version write and the final write all meet it) and started again; the task still ends in its
// true final state. Longer than a short lease: the runner fences itself, stopping the playbook
// before the lease runs out on the database's clock, sends nothing more, and records why; its own
// dispatch does not reap it meanwhile. This file runs its own embedded PostgreSQL (stopping the
// run's shared server would break the other test files).
process.env.TASK_LEASE_SECONDS = "60"; // rides through the 30 s outage; the fencing test shortens it
process.env.TASK_HEARTBEAT_SECONDS = "1";

import { readdirSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadConfig } from "@/server/config";
import { closeDb, db } from "@/server/db";
import { setTaskDeps } from "@/server/tasks/deps";
import { updateRequestInput } from "@/server/tasks/plan";
import type { TaskProgress } from "@/server/tasks/plan-types";
import { taskFinished } from "@/server/tasks/queue";
import { thisRunner } from "@/server/tasks/runner-identity";
import { startUpdateTask } from "@/server/tasks/start";
import { startTaskRunner, stopTaskRunner } from "@/server/tasks/worker";
import { applyMigrations } from "@/tools/db/apply-migrations";
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "@/tools/db/embedded";
import { createDatabase, databaseUrl } from "@/tests/setup/db-helpers";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { spawnRunner, type RunnerChild } from "./helpers/runner-child";
import {
  agentVersion,
  FakeHaproxy,
  instanceId,
  loadFleet,
  testAgent,
  updateScenario,
  waitForTask,
} from "./helpers/update-fleet";

const OUTAGE_MS = 30_000;
const SHORT_LEASE_SECONDS = 6;
let folder: string;
let port: number;
let postgres: EmbeddedPostgresHandle;
let sim: Simulator;
/** The fencing tests' playbooks: ended here if a test failed before they were (they sleep 600 s). */
const fencedPlaybooks: number[] = [];
const start = () => startEmbeddedPostgres({ dataDir: path.join(folder, "data"), port, onServerMessage: () => {} });
const inPlaybook = (t: { progress: unknown }) => {
  const p = t.progress as TaskProgress;
  return p.current?.step === "playbook" && !!p.playbookPid;
};
/**
 * A one-instance update started with this process's runner, its playbook sleeping `sleep` seconds;
 * returns once the playbook runs.
 */
async function updateInPlaybook(server: string, app: string, version: string, sleep: string) {
  const haproxy = new FakeHaproxy();
  setTaskDeps({ haproxy, agent: testAgent, confirmPollMs: 200 });
  startTaskRunner();
  process.env.AC_TEST_PLAYBOOK_SLEEP = sleep;
  const instance = await instanceId(server, app);
  const { id } = await startUpdateTask(
    updateRequestInput.parse({
      instanceIds: [instance],
      targetVersion: version,
      drainDelaySec: 0,
      waitAfterUpdateSec: 0,
    }),
    "olga",
  );
  const running = await waitForTask(id, inPlaybook);
  return { id, haproxy, instance, pid: (running.progress as TaskProgress).playbookPid! };
}
/** Whether a process of group `pgid` still runs (from /proc; zombies have ended, whoever reaps them). */
function groupRuns(pgid: number): boolean {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .some((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(pgrp) === pgid && state !== "Z" && state !== "X";
      } catch {
        return false; // gone meanwhile
      }
    });
}
/** When the last lease the database granted the task ends (lease_grants, below), in ms. */
async function lastLeaseGranted(id: string): Promise<number> {
  const [grant] = await db().$queryRaw<{ until: Date }[]>`
    SELECT max(lease_expires_at) AS until FROM lease_grants WHERE task_id = ${id}::uuid`;
  return grant!.until.getTime();
}

/** Polls until the playbook's process group has ended (bounded); returns when it was seen so. */
async function playbookEnded(pid: number, within: number): Promise<number> {
  const deadline = Date.now() + within;
  while (groupRuns(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const goneAt = Date.now();
  expect(groupRuns(pid), "the playbook's process group was ended").toBe(false);
  return goneAt;
}

/** A TCP relay to PostgreSQL: cutting it cuts this process off while other replicas still reach the database. */
async function startRelay(target: number) {
  const sockets = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = net.connect(target, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket)).on("error", () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    mend() {
      cut = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  folder = await fs.mkdtemp(path.join(os.tmpdir(), "ac-pg-outage-"));
  await fs.chmod(folder, 0o755); // as root the server runs as `postgres`
  port = await freePort();
  postgres = await start();
  await createDatabase(postgres.url, "ac_outage");
  const url = databaseUrl(postgres.url, "ac_outage");
  await applyMigrations(url, { migrationsDir: path.resolve(import.meta.dirname, "../../prisma/migrations") });
  await closeDb();
  process.env.DATABASE_URL = url;
  reloadConfig();
  sim = await startSimulator({ scenario: updateScenario, controlPort: 0 });
  process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
  await loadFleet(sim);
  // Every lease the database grants, as the reaper sees it (on the database's clock).
  await db().$executeRawUnsafe(
    "CREATE TABLE lease_grants (task_id uuid NOT NULL, lease_expires_at timestamp(3) NOT NULL)",
  );
  await db().$executeRawUnsafe(`CREATE FUNCTION record_lease_grant() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.lease_expires_at IS NOT NULL THEN INSERT INTO lease_grants VALUES (NEW.id, NEW.lease_expires_at); END IF;
      RETURN NEW;
    END $$`);
  await db().$executeRawUnsafe(
    "CREATE TRIGGER lease_grants AFTER UPDATE OF lease_expires_at ON tasks FOR EACH ROW EXECUTE FUNCTION record_lease_grant()",
  );
}, 180_000);

afterAll(async () => {
  for (const pid of fencedPlaybooks) if (groupRuns(pid)) process.kill(-pid, "SIGKILL");
  stopTaskRunner();
  setTaskDeps(undefined);
  delete process.env.AC_TEST_PLAYBOOK_SLEEP;
  await closeDb();
  await sim?.stop();
  await postgres?.stop();
  await fs.rm(folder, { recursive: true, force: true });
});

describe("a database outage during a task", () => {
  it(
    "PostgreSQL stopped for 30 s mid-playbook: the task still ends succeeded, its writes all landed",
    {
      timeout: 240_000,
    },
    async () => {
      const { id, haproxy, instance } = await updateInPlaybook("web-1", "shop_1", "9.0", "3");

      await postgres.stop();
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS)); // the outage itself, not a synchronisation
      postgres = await start();

      await taskFinished(id);
      const task = await db().task.findUniqueOrThrow({ where: { id } });
      expect(task).toMatchObject({ status: "succeeded", error: null, leaseExpiresAt: null });
      const progress = task.progress as unknown as TaskProgress;
      // drain_delay: no fixed delay, but the drained server's sessions were read (0) before the playbook.
      expect(progress.batches[0]!.steps.map((s) => s.status)).toEqual([
        "skipped",
        "succeeded",
        "succeeded",
        "succeeded",
        "skipped",
        "succeeded",
        "succeeded",
        "skipped",
      ]);
      expect(progress.outOfPool).toEqual([]);
      expect(haproxy.statusOf(instance)).toBe("UP");
      expect(task.log).toMatch(/PLAY RECAP/);
      expect(task.log).toMatch(/task succeeded/);
      expect(await agentVersion(sim, "web-1", "docker", "shop_1")).toBe("9.0");
      expect(await db().applicationVersionHistory.findMany({ where: { taskId: id } })).toMatchObject([
        { instanceId: instance, newVersion: "9.0", changeSource: "update_task" },
      ]);
    },
  );

  it(
    "PostgreSQL stopped for longer than the lease: the runner ends its playbook before the lease runs out, sends nothing more, and records why",
    { timeout: 240_000 },
    async () => {
      stopTaskRunner();
      process.env.TASK_LEASE_SECONDS = String(SHORT_LEASE_SECONDS);
      reloadConfig();
      // The playbook outlives the test unless something ends it.
      const { id, haproxy, instance, pid } = await updateInPlaybook("web-2", "shop_1", "9.1", "600");
      fencedPlaybooks.push(pid);

      await postgres.stop();
      const stoppedAt = Date.now();
      // The runner cannot renew its lease now: its fence must end the playbook on its own.
      const goneAt = await playbookEnded(pid, (SHORT_LEASE_SECONDS + 30) * 1000);
      const commandsAtFence = haproxy.commands.length;
      await sim.control.resetStats();
      // The outage itself, not a synchronisation: past the end of any lease granted before the stop.
      await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + (SHORT_LEASE_SECONDS + 2) * 1000 - Date.now())));
      postgres = await start();

      await taskFinished(id);
      // The playbook was gone before the last lease the database granted ran out: no reaper could
      // have seen the task free while it ran. (This host's clock is the database's.)
      const leaseEnd = await lastLeaseGranted(id);
      expect(leaseEnd).toBeLessThan(stoppedAt + SHORT_LEASE_SECONDS * 1000 + 1000);
      expect(goneAt).toBeLessThan(leaseEnd);
      // Nothing more was sent: no HAProxy command (the drain before the playbook was the last), no agent check.
      expect(haproxy.commands.slice(commandsAtFence)).toEqual([]);
      expect(haproxy.commands.map((c) => c.command)).toEqual(["drain"]);
      expect((await sim.control.stats()).agents["web-2"]?.requests ?? {}).toEqual({});

      const task = await db().task.findUniqueOrThrow({ where: { id } });
      expect(task).toMatchObject({ status: "interrupted", runnerId: thisRunner.id, leaseExpiresAt: null });
      const label = haproxy.label(1000 + instance);
      expect(task.error).toMatch(
        new RegExp(
          `^Interrupted: its runner ${thisRunner.id} lost its lease during a database outage .* during batch 1/1, step playbook\\. ` +
            `Still out of the HAProxy pool: ${label}\\.`,
        ),
      );
      const progress = task.progress as unknown as TaskProgress;
      expect(progress.failure).toMatchObject({ batch: 0, step: "playbook" });
      expect(progress.batches[0]!.steps.map((s) => [s.name, s.status])).toEqual([
        ["eureka_down", "skipped"],
        ["drain", "succeeded"],
        ["drain_delay", "succeeded"],
        ["playbook", "failed"],
        ["wait_after_update", "skipped"],
        ["confirm", "skipped"],
        ["ready", "skipped"],
        ["eureka_up", "skipped"],
      ]);
      expect(progress.outOfPool).toEqual([{ haproxyServerId: 1000 + instance, label }]);
      expect(haproxy.statusOf(instance)).toBe("DRAIN");
      expect(task.log).toMatch(/lease about to run out unrenewed: killing the playbook's process group/);
      expect(await agentVersion(sim, "web-2", "docker", "shop_1")).toBe("1.0");
    },
  );

  it(
    "cut off from the database while another replica reaches it: that replica reaps the task only after the runner ended its playbook, and its result stands",
    { timeout: 240_000 },
    async () => {
      const direct = process.env.DATABASE_URL!;
      const relay = await startRelay(port);
      const relayed = new URL(direct);
      relayed.port = String(relay.port);
      stopTaskRunner();
      await closeDb();
      process.env.DATABASE_URL = relayed.toString(); // this replica reaches the database through the relay only
      process.env.TASK_LEASE_SECONDS = String(SHORT_LEASE_SECONDS);
      reloadConfig();
      const observer = new pg.Client({ connectionString: direct }); // the test's own view, never cut off
      await observer.connect();
      let other: RunnerChild | undefined;
      try {
        const { id, haproxy, pid } = await updateInPlaybook("web-1", "shop_2", "9.2", "600");
        fencedPlaybooks.push(pid);
        // Another runner replica, on the database directly, started once the task is this one's.
        other = await spawnRunner({ DATABASE_URL: direct, TASK_HEARTBEAT_SECONDS: "1" });

        relay.cut();
        const goneAt = await playbookEnded(pid, (SHORT_LEASE_SECONDS + 30) * 1000);
        await sim.control.resetStats();
        // The other replica reaps the task once its lease has run out, on the database's clock.
        let reaped: { status: string; error: string; reaped_at: number } | undefined;
        for (const deadline = Date.now() + 60_000; !reaped && Date.now() < deadline;) {
          const { rows } = await observer.query<{ status: string; error: string; reaped_at: number }>(
            `SELECT status, error, extract(epoch FROM finished_at) * 1000 AS reaped_at FROM tasks WHERE id = $1 AND status <> 'running'`,
            [id],
          );
          reaped = rows[0];
          if (!reaped) await new Promise((r) => setTimeout(r, 100));
        }
        expect(reaped).toMatchObject({
          status: "interrupted",
          error: expect.stringMatching(
            new RegExp(
              `^Interrupted: its runner ${thisRunner.id} stopped renewing its lease .* during batch 1/1, step playbook\\.`,
            ),
          ),
        });
        const leaseEnd = await observer
          .query<{ until: number }>(
            "SELECT extract(epoch FROM max(lease_expires_at)) * 1000 AS until FROM lease_grants WHERE task_id = $1",
            [id],
          )
          .then((r) => Number(r.rows[0]!.until));
        expect(Number(reaped!.reaped_at)).toBeGreaterThan(leaseEnd);
        expect(goneAt).toBeLessThan(leaseEnd);

        relay.mend();
        await taskFinished(id); // the fenced run's writes find the task no longer its own
        const task = await db().task.findUniqueOrThrow({ where: { id } });
        expect(task).toMatchObject({ status: "interrupted", error: reaped!.error });
        const progress = task.progress as unknown as TaskProgress;
        expect(progress.failure).toMatchObject({ batch: 0, step: "playbook", message: "interrupted: runner lost" });
        expect(haproxy.commands.map((c) => c.command)).toEqual(["drain"]);
        expect((await sim.control.stats()).agents["web-1"]?.requests ?? {}).toEqual({});
        expect(task.log).toMatch(/lease about to run out unrenewed: killing the playbook's process group/);
      } finally {
        await other?.kill();
        await observer.end();
        relay.mend();
        stopTaskRunner();
        await closeDb();
        process.env.DATABASE_URL = direct;
        reloadConfig();
        await relay.close();
      }
    },
  );
});
