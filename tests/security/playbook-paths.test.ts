// AC runs only playbooks inside PLAYBOOK_DIRS, judged by real path: an admin's edit naming a file
// elsewhere is refused at the field, `..` and symbolic links lead nowhere outside, a path stored
// before (or behind AC's back) stops the plan, and a link changed after the plan is caught right
// before ansible-playbook would run. docs/update-tasks.md, "Playbook directories".
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadConfig } from "@/server/config";
import { db } from "@/server/db";
import { StepFailed } from "@/server/tasks/errors";
import { TaskLog } from "@/server/tasks/log";
import type { PlanInstance } from "@/server/tasks/plan-types";
import { runPlaybook } from "@/server/tasks/playbook";
import {
  callers,
  errorOf,
  fieldErrors,
  makeGroup,
  makeInstance,
  makeServer,
  type Callers,
} from "../integration/inventory-fixtures";

const work = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "ac-paths-")));
const allowed = path.join(work, "allowed");
const outside = path.join(work, "outside");
const marker = path.join(work, "evil-ran");
Object.assign(process.env, { PLAYBOOK_DIRS: allowed, DEFAULT_UPDATE_PLAYBOOK: path.join(allowed, "update.yml") });
reloadConfig();

const EVIL = `
- hosts: all
  connection: local
  gather_facts: false
  tasks:
    - ansible.builtin.file: { path: "${marker}", state: touch, mode: "0600" }
`;

let as: Callers;
let groupId: number;
let instanceId: number;

beforeAll(async () => {
  await fs.mkdir(path.join(allowed, "sub"), { recursive: true });
  await fs.mkdir(outside);
  await fs.writeFile(path.join(allowed, "update.yml"), EVIL.replace(marker, `${marker}-allowed`));
  await fs.writeFile(path.join(outside, "evil.yml"), EVIL);
  await fs.symlink(path.join(outside, "evil.yml"), path.join(allowed, "link.yml"));
  await fs.symlink(outside, path.join(allowed, "linkdir"));
  as = await callers();
  const server = await makeServer("web-1");
  const group = await makeGroup("shop");
  groupId = group.id;
  instanceId = (await makeInstance(server.id, "shop", 1, { version: "1.0" })).id;
});
afterAll(() => fs.rm(work, { recursive: true, force: true }));

const setGroupPlaybook = (updatePlaybookPath: string) =>
  as.admin.groups.updateSettings({ id: groupId, updatePlaybookPath });
const refusal = (via = "") => `must be inside a playbook directory of this AC (PLAYBOOK_DIRS: ${allowed})${via}`;

describe("an admin's playbook path", () => {
  it("is accepted inside PLAYBOOK_DIRS, also before the file exists", async () => {
    expect((await setGroupPlaybook(path.join(allowed, "update.yml"))).updatePlaybookPath).toBe(
      path.join(allowed, "update.yml"),
    );
    expect((await setGroupPlaybook(path.join(allowed, "sub/not-yet.yml"))).updatePlaybookPath).toBe(
      path.join(allowed, "sub/not-yet.yml"),
    );
  });

  it("is refused outside them, at the field, with the folders named", async () => {
    expect((await fieldErrors(setGroupPlaybook("/etc/ansible/update-app.yml"))).updatePlaybookPath).toEqual([
      refusal(),
    ]);
    expect((await fieldErrors(setGroupPlaybook(`${allowed}/../outside/evil.yml`))).updatePlaybookPath).toEqual([
      refusal(),
    ]);
    expect((await fieldErrors(setGroupPlaybook(`${allowed}-not/evil.yml`))).updatePlaybookPath).toEqual([refusal()]);
    const instance = await fieldErrors(
      as.admin.applications.updateSettings({ id: instanceId, customPlaybookPath: path.join(outside, "evil.yml") }),
    );
    expect(instance.customPlaybookPath).toEqual([refusal()]);
    const catalog = await fieldErrors(
      as.admin.catalog.updateSettings({ id: (await makeGroup("shop")).catalogId!, defaultPlaybookPath: "/tmp/x.yml" }),
    );
    expect(catalog.defaultPlaybookPath).toEqual([refusal()]);
  });

  it("is refused when a link inside leads outside, naming where it leads", async () => {
    const viaFile = await fieldErrors(setGroupPlaybook(path.join(allowed, "link.yml")));
    expect(viaFile.updatePlaybookPath).toEqual([refusal(` (it leads to ${path.join(outside, "evil.yml")})`)]);
    const viaDir = await fieldErrors(setGroupPlaybook(path.join(allowed, "linkdir/evil.yml")));
    expect(viaDir.updatePlaybookPath).toEqual([refusal(` (it leads to ${path.join(outside, "evil.yml")})`)]);
  });
});

describe("a stored playbook path", () => {
  it("outside PLAYBOOK_DIRS stops the plan and the start, with the reason", async () => {
    await db().applicationGroup.update({
      where: { id: groupId },
      data: { updatePlaybookPath: path.join(allowed, "link.yml") },
    });
    const plan = await as.operator.tasks.preview({ groupId, targetVersion: "1.1" });
    expect(plan.problems).toEqual([
      `Playbook ${path.join(allowed, "link.yml")} ${refusal(` (it leads to ${path.join(outside, "evil.yml")})`)}`,
    ]);
    const error = await errorOf(as.operator.tasks.start({ groupId, targetVersion: "1.1" }));
    expect(error).toMatchObject({ code: "PRECONDITION_FAILED", message: plan.problems[0] });
    expect(await db().task.count()).toBe(0);
  });

  it("that does not exist yet stops the plan as missing", async () => {
    await db().applicationGroup.update({
      where: { id: groupId },
      data: { updatePlaybookPath: path.join(allowed, "sub/not-yet.yml") },
    });
    const plan = await as.operator.tasks.preview({ groupId, targetVersion: "1.1" });
    expect(plan.problems).toEqual([`Playbook ${path.join(allowed, "sub/not-yet.yml")} does not exist on the AC host`]);
  });

  it(
    "is checked again right before the run: a link swapped after the plan does not run",
    { timeout: 60_000 },
    async () => {
      const swapped = path.join(allowed, "swapped.yml");
      await fs.writeFile(swapped, EVIL.replace(marker, `${marker}-allowed`)); // what the plan saw
      await fs.rm(swapped);
      await fs.symlink(path.join(outside, "evil.yml"), swapped); // what is there at run time
      const instance = {
        id: instanceId,
        name: "shop_1",
        number: 1,
        appType: "docker",
        server: { id: 1, name: "web-1", ip: "127.0.0.1" },
      } as PlanInstance;
      const run = runPlaybook({
        taskId: "00000000-0000-0000-0000-000000000000",
        playbook: swapped,
        instances: [instance],
        targetVersion: "1.1",
        batch: { index: 0, total: 1 },
        bin: "ansible-playbook",
        timeoutMs: 60_000,
        log: new TaskLog("00000000-0000-0000-0000-000000000000"),
        signal: new AbortController().signal,
        onPid: async () => undefined,
      });
      await expect(run).rejects.toThrow(StepFailed);
      await expect(run).rejects.toThrow(refusal(` (it leads to ${path.join(outside, "evil.yml")})`));
      await expect(fs.access(marker)).rejects.toThrow(/ENOENT/);
    },
  );
});
