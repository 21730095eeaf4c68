// A database outage during an update task: PostgreSQL is stopped for 30 s while the playbook
// runs (the playbook ends during the outage, so the step writes, the agent check's version write
// and the final write all meet it) and started again; the task still ends in its true final state.
// This file runs its own embedded PostgreSQL (stopping the run's shared server would break the
// other test files), with the runner's timers on and a lease shorter than the outage, so its own
// dispatch must not reap the task it is running (docs/update-tasks.md, "Database outages").
process.env.TASK_LEASE_SECONDS = "6";
process.env.TASK_HEARTBEAT_SECONDS = "1";

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
let folder: string;
let port: number;
let postgres: EmbeddedPostgresHandle;
let sim: Simulator;
const start = () => startEmbeddedPostgres({ dataDir: path.join(folder, "data"), port, onServerMessage: () => {} });

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
      await waitForTask(id, (t) => {
        const p = t.progress as TaskProgress;
        return p.current?.step === "playbook" && !!p.playbookPid;
      });

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
});
