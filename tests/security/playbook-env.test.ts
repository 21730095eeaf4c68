// A playbook sees an allowlisted environment, never AC's secrets; what it prints that looks like
// a secret is redacted before viewers read it: in the task log, the task's error and what the API
// returns. One real update task (simulated agent, real ansible-playbook) whose playbook dumps its
// environment, prints credentials and fails quoting one. docs/update-tasks.md, "The playbook contract".
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { setTaskDeps } from "@/server/tasks/deps";
import { TaskLog } from "@/server/tasks/log";
import { updateRequestInput } from "@/server/tasks/plan";
import { taskFinished } from "@/server/tasks/queue";
import { startUpdateTask } from "@/server/tasks/start";
import { createContextInner } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import { startSimulator, type Simulator } from "@/tools/fagent-sim";
import { FakeHaproxy, pollAll, testAgent } from "../integration/helpers/update-fleet";

const playbooks = await fs.mkdtemp(path.join(os.tmpdir(), "ac-env-"));
const SECRETS = {
  AUTH_SECRET: "session-secret-0f3c9a7e",
  AC_ADMIN_PASSWORD: "first-admin-pw-5521",
  UNRELATED_SETTING: "unrelated-value-77",
};
Object.assign(process.env, SECRETS, {
  PLAYBOOK_DIRS: playbooks,
  DEFAULT_UPDATE_PLAYBOOK: path.join(playbooks, "dump.yml"),
  ANSIBLE_LOCALHOST_WARNING: "False",
  AC_TEST_VARS_DIR: "/listed/in/PLAYBOOK_ENV",
});
reloadConfig();

const TOKEN = "ac_AAAAbbbbCCCCdddd1111222233334444";
const PRINTED = [
  "pw-in-url-1234",
  "swordfish-1234",
  "abcdefgh.ijkl-1234",
  TOKEN,
  "hunter2-hunter2",
  "KEY-0123456789",
  SECRETS.AUTH_SECRET,
];

const DUMP = `
- hosts: all
  connection: local
  gather_facts: false
  tasks:
    - ansible.builtin.copy:
        dest: "{{ playbook_dir }}/env-controller.txt"
        content: "{{ lookup('pipe', 'env') }}"
        mode: "0600"
    - ansible.builtin.command: env
      register: module_env
      changed_when: false
    - ansible.builtin.copy:
        dest: "{{ playbook_dir }}/env-module.txt"
        content: "{{ module_env.stdout }}"
        mode: "0600"
    - ansible.builtin.debug:
        msg: "secret [{{ lookup('env', 'AUTH_SECRET') }}] postgresql://ac:pw-in-url-1234@db.internal/ac password=swordfish-1234 Authorization: Bearer abcdefgh.ijkl-1234 token ${TOKEN}"
    - ansible.builtin.debug:
        msg: "${SECRETS.AUTH_SECRET}"
    - ansible.builtin.fail:
        msg: "could not log in to https://deploy:hunter2-hunter2@repo.internal/ with api_key=KEY-0123456789"
`;

let sim: Simulator;
beforeAll(async () => {
  await fs.writeFile(path.join(playbooks, "dump.yml"), DUMP);
  sim = await startSimulator({
    scenario: {
      mode: "address",
      baseAddress: "127.0.68.2",
      port: 0,
      agents: [{ name: "web-1", apps: { service: [{ name: "app_1", version: "1.0", status: "active" }] } }],
    },
  });
  for (const a of sim.agents) await db().server.create({ data: { name: a.name, ip: a.ip, port: a.port } });
  await pollAll();
  setTaskDeps({ haproxy: new FakeHaproxy(), agent: testAgent, confirmPollMs: 200 });
});
afterAll(async () => {
  setTaskDeps(undefined);
  await sim.stop();
  await fs.rm(playbooks, { recursive: true, force: true });
});

it(
  "ansible-playbook gets an allowlist of variables, and its secrets never reach the log, the error or the API",
  { timeout: 120_000 },
  async () => {
    const group = await db().applicationGroup.findUniqueOrThrow({ where: { name: "app" } });
    const request = updateRequestInput.parse({
      groupId: group.id,
      targetVersion: "1.1",
      drainDelaySec: 0,
      waitAfterUpdateSec: 0,
      confirmTimeoutSec: 5,
    });
    const { id } = await startUpdateTask(request, "olga");
    await taskFinished(id);

    for (const file of ["env-controller.txt", "env-module.txt"]) {
      const env = await fs.readFile(path.join(playbooks, file), "utf8");
      const names = env.split("\n").map((line) => line.split("=")[0]);
      expect(names).toEqual(expect.arrayContaining(["PATH", "HOME", "ANSIBLE_LOCALHOST_WARNING", "AC_TEST_VARS_DIR"]));
      for (const name of ["AUTH_SECRET", "AC_ADMIN_PASSWORD", "DATABASE_URL", "UNRELATED_SETTING", "PLAYBOOK_DIRS"])
        expect(names).not.toContain(name);
      for (const value of [...Object.values(SECRETS), process.env.DATABASE_URL!]) expect(env).not.toContain(value);
    }

    const operator = createCaller(
      createContextInner({ kind: "user", id: 1, login: "olga", displayName: null, role: "operator" }),
    );
    const task = await operator.tasks.get({ id });
    const { text: log } = await operator.tasks.log({ id, offset: 0 });
    const stored = await db().task.findUniqueOrThrow({
      where: { id },
      select: { log: true, error: true, progress: true },
    });
    expect(task.status).toBe("failed");
    expect(task.error).toMatch(
      /step playbook failed: ansible-playbook exited with code 2: fatal: .*https:\/\/deploy:\[redacted\]@repo\.internal\/ with api_key=\[redacted\]/,
    );
    expect(log).toMatch(
      /postgresql:\/\/ac:\[redacted\]@db\.internal\/ac password=\[redacted\] Authorization: Bearer \[redacted\] token ac_\[redacted\]/,
    );
    for (const text of [log, JSON.stringify(task), JSON.stringify(stored)])
      for (const secret of PRINTED) expect(text).not.toContain(secret);
  },
);

it("the task log redacts a secret that arrives split between two reads of the playbook's output", async () => {
  const { id } = await db().task.create({
    data: { kind: "update", createdBy: "olga", target: {}, parameters: {} },
    select: { id: true },
  });
  const log = new TaskLog(id);
  log.output("ok: [web-1] => PGPASS");
  log.output("WORD=tail-of-a-secret-99\nnext line: postgresql://ac:pw-");
  log.output("split-7@db/ac");
  await log.flush();
  const { log: text } = await db().task.findUniqueOrThrow({ where: { id }, select: { log: true } });
  expect(text).toBe("ok: [web-1] => PGPASSWORD=[redacted]\nnext line: postgresql://ac:[redacted]@db/ac");
});

it("an agent's value with a newline cannot forge a line of AC's own in the task log", async () => {
  const { id } = await db().task.create({
    data: { kind: "update", createdBy: "olga", target: {}, parameters: {} },
    select: { id: true },
  });
  const log = new TaskLog(id);
  log.line("batch 1/1: shop_1\n[ac 00:00:00] task succeeded on web-1");
  await log.flush();
  const { log: text } = await db().task.findUniqueOrThrow({ where: { id }, select: { log: true } });
  expect(text.split("\n")).toEqual([
    expect.stringMatching(/^\[ac \d\d:\d\d:\d\d\] batch 1\/1: shop_1\\n\[ac 00:00:00\] task succeeded on web-1$/),
    "",
  ]);
});
