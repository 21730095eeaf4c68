// Values from agents and admins reach Ansible as data that is never templated: the real
// ansible-playbook gets `{{ lookup('pipe', 'touch …') }}` (and `{% … %}`) in every ac_* variable,
// nothing runs, and the playbook sees the literal text. First through runPlaybook with every field
// at once, then end to end: an agent reports such values, AC polls them, an update task runs.
// docs/update-tasks.md, "The playbook contract".
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { setTaskDeps } from "@/server/tasks/deps";
import { TaskLog } from "@/server/tasks/log";
import type { PlanInstance } from "@/server/tasks/plan-types";
import { runPlaybook } from "@/server/tasks/playbook";
import { taskFinished } from "@/server/tasks/queue";
import { startUpdateTask } from "@/server/tasks/start";
import { updateRequestInput } from "@/server/tasks/plan";
import { resetDatabase } from "@/tests/setup/db-helpers";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { FakeHaproxy, pollAll, TEST_PLAYBOOK, testAgent } from "../integration/helpers/update-fleet";

const work = await fs.mkdtemp(path.join(os.tmpdir(), "ac-injection-"));
const playbooks = path.join(work, "playbooks");
const marks = path.join(work, "marks"); // a file appears here for every template that ran
const out = path.join(work, "out");
// The shipped playbooks and this test's.
process.env.PLAYBOOK_DIRS = `${path.resolve("ansible")}:${playbooks}`;
reloadConfig();

/** A value that runs a command if Ansible templates it, plus characters that must survive as they are. */
const hostile = (field: string) =>
  `{{ lookup('pipe', 'touch ${marks}/${field}') }}{% if lookup('pipe', 'touch ${marks}/${field}-stmt') %}{% endif %} "q' \\ é😀\n{# c #}`;

const VARS = [
  "ansible_host",
  "ac_instance_id",
  "ac_instance_name",
  "ac_instance_number",
  "ac_server",
  "ac_server_ip",
  "ac_app_type",
  "ac_current_version",
  "ac_target_version",
  "ac_artifact_url",
  "ac_artifact_extension",
  "ac_distr_path",
  "ac_path",
  "ac_image",
  "ac_compose_project_dir",
  "ac_task_id",
  "ac_batch",
  "ac_batches",
];

// Every variable used in a template, as a careless playbook would; then the values written out.
const RECORD = `
- hosts: all
  connection: local
  gather_facts: false
  tasks:
    - ansible.builtin.debug:
        msg: "${VARS.map((v) => `{{ ${v} }}`).join(" | ")}"
    - ansible.builtin.copy:
        dest: "${out}/{{ ac_instance_id }}.json"
        content: "{{ { ${VARS.map((v) => `'${v}': ${v}`).join(", ")} } | to_json }}"
        mode: "0600"
`;

const effective = (value: string | null) => ({ value, source: "instance" as const });

function instance(over: Partial<PlanInstance> = {}): PlanInstance {
  return {
    id: 7,
    name: hostile("ac_instance_name"),
    number: 1,
    appType: "docker",
    server: { id: 1, name: hostile("ac_server"), ip: hostile("ac_server_ip") },
    currentVersion: hostile("ac_current_version"),
    distrPath: hostile("ac_distr_path"),
    path: hostile("ac_path"),
    image: hostile("ac_image"),
    composeProjectDir: hostile("ac_compose_project_dir"),
    playbook: effective(path.join(playbooks, "record.yml")),
    artifactUrl: effective(hostile("ac_artifact_url")),
    artifactExtension: effective(hostile("ac_artifact_extension")),
    haproxy: [],
    ...over,
  };
}

beforeAll(async () => {
  await Promise.all([fs.mkdir(playbooks), fs.mkdir(marks), fs.mkdir(out)]);
  await fs.writeFile(path.join(playbooks, "record.yml"), RECORD);
});
afterAll(() => fs.rm(work, { recursive: true, force: true }));

const outputs = async () =>
  Promise.all((await fs.readdir(out)).map(async (f) => JSON.parse(await fs.readFile(path.join(out, f), "utf8"))));

describe("ansible-playbook never templates what AC passes", () => {
  it("every inventory and extra variable arrives literally and runs nothing", { timeout: 60_000 }, async () => {
    const log = new TaskLog("00000000-0000-0000-0000-000000000000"); // no such row: the log goes nowhere
    await runPlaybook({
      taskId: hostile("ac_task_id"),
      playbook: path.join(playbooks, "record.yml"),
      instances: [instance()],
      targetVersion: hostile("ac_target_version"),
      batch: { index: 0, total: 1 },
      bin: "ansible-playbook",
      timeoutMs: 60_000,
      log,
      signal: new AbortController().signal,
      onPid: async () => undefined,
    });
    await log.flush();
    expect(await fs.readdir(marks)).toEqual([]);
    const [received, ...more] = await outputs();
    expect(more).toEqual([]);
    expect(received).toEqual({
      ansible_host: hostile("ac_server_ip"),
      ac_instance_id: 7,
      ac_instance_name: hostile("ac_instance_name"),
      ac_instance_number: 1,
      ac_server: hostile("ac_server"),
      ac_server_ip: hostile("ac_server_ip"),
      ac_app_type: "docker",
      ac_current_version: hostile("ac_current_version"),
      ac_target_version: hostile("ac_target_version"),
      ac_artifact_url: hostile("ac_artifact_url"),
      ac_artifact_extension: hostile("ac_artifact_extension"),
      ac_distr_path: hostile("ac_distr_path"),
      ac_path: hostile("ac_path"),
      ac_image: hostile("ac_image"),
      ac_compose_project_dir: hostile("ac_compose_project_dir"),
      ac_task_id: hostile("ac_task_id"),
      ac_batch: 1,
      ac_batches: 1,
    });
  });
});

describe("an agent reporting template syntax", () => {
  let sim: Simulator;
  const varsDir = path.join(work, "vars");
  beforeAll(async () => {
    await fs.mkdir(varsDir);
    sim = await startSimulator({
      controlPort: 0,
      scenario: {
        mode: "address",
        baseAddress: "127.0.67.2",
        port: 0,
        agents: [
          {
            name: "web-1",
            apps: {
              docker: [
                {
                  container_name: "shop_1",
                  image: hostile("image"),
                  compose_project_dir: hostile("compose"),
                  tag: "1.0",
                  version: hostile("version"),
                  status: "running",
                },
              ],
              site: [
                {
                  name: "shop_2",
                  path: hostile("path"),
                  distr_path: hostile("distr"),
                  version: "1.0",
                  status: "active",
                },
              ],
            },
          },
        ],
      },
    });
    await resetDatabase();
    for (const a of sim.agents) await db().server.create({ data: { name: a.name, ip: a.ip, port: a.port } });
    await pollAll();
    await db().applicationGroup.updateMany({
      data: { updatePlaybookPath: TEST_PLAYBOOK, batchGroupingStrategy: "all_at_once" },
    });
    setTaskDeps({ haproxy: new FakeHaproxy(), agent: testAgent, confirmPollMs: 200 });
    process.env.AC_SIM_CONTROL_URL = sim.controlUrl!;
    process.env.AC_TEST_VARS_DIR = varsDir;
  });
  afterAll(async () => {
    setTaskDeps(undefined);
    delete process.env.AC_TEST_VARS_DIR;
    await sim.stop();
  });

  it(
    "is updated by the shipped test playbook with the values intact and no command run",
    { timeout: 120_000 },
    async () => {
      const group = await db().applicationGroup.findUniqueOrThrow({ where: { name: "shop" } });
      const { id } = await startUpdateTask(
        updateRequestInput.parse({
          groupId: group.id,
          targetVersion: "1.1",
          drainDelaySec: 0,
          waitAfterUpdateSec: 0,
          confirmTimeoutSec: 20,
        }),
        "olga",
      );
      await taskFinished(id);
      expect(await db().task.findUniqueOrThrow({ where: { id }, select: { status: true, error: true } })).toEqual({
        status: "succeeded",
        error: null,
      });
      expect(await fs.readdir(marks)).toEqual([]);
      const read = async (host: string) => JSON.parse(await fs.readFile(path.join(varsDir, `${host}.json`), "utf8"));
      expect(await read("web-1__shop_1")).toMatchObject({
        ac_image: hostile("image"),
        ac_compose_project_dir: hostile("compose"),
        ac_current_version: hostile("version"),
      });
      expect(await read("web-1__shop_2")).toMatchObject({ ac_path: hostile("path"), ac_distr_path: hostile("distr") });
    },
  );
});
