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
import os from "node:os";
import path from "node:path";
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
/** The fencing test's playbook: ended here if the test failed before it was (it sleeps 600 s). */
let fencedPlaybook: number | undefined;
const start = () => startEmbeddedPostgres({ dataDir: path.join(folder, "data"), port, onServerMessage: () => {} });
const inPlaybook = (t: { progress: unknown }) => {
  const p = t.progress as TaskProgress;
  return p.current?.step === "playbook" && !!p.playbookPid;
};
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
}, 180_000);

afterAll(async () => {
  if (fencedPlaybook && groupRuns(fencedPlaybook)) process.kill(-fencedPlaybook, "SIGKILL");
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
      const haproxy = new FakeHaproxy();
      setTaskDeps({ haproxy, agent: testAgent, confirmPollMs: 200 });
      startTaskRunner();
      process.env.AC_TEST_PLAYBOOK_SLEEP = "3";
      const instance = await instanceId("web-1", "shop_1");
      const { id } = await startUpdateTask(
        updateRequestInput.parse({
          instanceIds: [instance],
          targetVersion: "9.0",
          drainDelaySec: 0,
          waitAfterUpdateSec: 0,
        }),
        "olga",
      );
      await waitForTask(id, inPlaybook);

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
      const haproxy = new FakeHaproxy();
      setTaskDeps({ haproxy, agent: testAgent, confirmPollMs: 200 });
      startTaskRunner();
      process.env.AC_TEST_PLAYBOOK_SLEEP = "600"; // outlives the test unless something ends it
      const instance = await instanceId("web-2", "shop_1");
      const { id } = await startUpdateTask(
        updateRequestInput.parse({
          instanceIds: [instance],
          targetVersion: "9.1",
          drainDelaySec: 0,
          waitAfterUpdateSec: 0,
        }),
        "olga",
      );
      const running = await waitForTask(id, inPlaybook);
      const pid = (fencedPlaybook = (running.progress as TaskProgress).playbookPid!);

      await postgres.stop();
      const stoppedAt = Date.now();
      // The runner cannot renew its lease now: its fence must end the playbook on its own.
      const fenceBy = stoppedAt + (SHORT_LEASE_SECONDS + 30) * 1000;
      while (groupRuns(pid) && Date.now() < fenceBy) await new Promise((r) => setTimeout(r, 20));
      const goneAt = Date.now();
      expect(groupRuns(pid), "the playbook's process group was ended during the outage").toBe(false);
      const commandsAtFence = haproxy.commands.length;
      await sim.control.resetStats();
      // The outage itself, not a synchronisation: past the end of any lease granted before the stop.
      await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + (SHORT_LEASE_SECONDS + 2) * 1000 - Date.now())));
      postgres = await start();

      await taskFinished(id);
      // The playbook was gone before the last lease the database granted ran out: no reaper could
      // have seen the task free while it ran. (This host's clock is the database's.)
      const [grant] = await db().$queryRaw<{ until: Date }[]>`
        SELECT max(lease_expires_at) AS until FROM lease_grants WHERE task_id = ${id}::uuid`;
      expect(grant!.until.getTime()).toBeLessThan(stoppedAt + SHORT_LEASE_SECONDS * 1000 + 1000);
      expect(goneAt).toBeLessThan(grant!.until.getTime());
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
});
