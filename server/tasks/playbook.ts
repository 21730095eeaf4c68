// Runs ansible-playbook for a batch: a generated inventory (one host per instance, its ac_* host
// vars) and extra vars (ac_task_id, ac_target_version, ...), both in a private temp folder; the
// output streamed into the task log. The playbook gets its own process group, so a timeout or a
// "cancel now" ends it with everything it started. The contract is docs/update-tasks.md.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Cancelled, StepFailed } from "./errors";
import type { TaskLog } from "./log";
import type { PlanInstance } from "./plan-types";

export type PlaybookRun = {
  taskId: string;
  playbook: string;
  instances: PlanInstance[];
  targetVersion: string;
  batch: { index: number; total: number };
  bin: string;
  timeoutMs: number;
  log: TaskLog;
  signal: AbortSignal;
  onPid: (pid: number | null) => Promise<unknown>;
};

const KILL_GRACE_MS = 5_000;

/** Inventory host name: unique per instance, safe in host patterns. */
export const inventoryHost = (i: PlanInstance) => `${i.server.name}__${i.name}`.replace(/[^A-Za-z0-9_.-]/g, "_");

export function inventoryFor(run: Pick<PlaybookRun, "instances" | "targetVersion">) {
  const hosts = Object.fromEntries(
    run.instances.map((i) => [
      inventoryHost(i),
      {
        ansible_host: i.server.ip,
        ac_instance_id: i.id,
        ac_instance_name: i.name,
        ac_instance_number: i.number,
        ac_server: i.server.name,
        ac_server_ip: i.server.ip,
        ac_app_type: i.appType,
        ac_current_version: i.currentVersion,
        ac_target_version: run.targetVersion,
        ac_artifact_url: i.artifactUrl.value,
        ac_artifact_extension: i.artifactExtension.value,
        ac_distr_path: i.distrPath,
        ac_path: i.path,
        ac_image: i.image,
        ac_compose_project_dir: i.composeProjectDir,
      },
    ]),
  );
  return { all: { hosts } };
}

export const extraVarsFor = (run: Pick<PlaybookRun, "taskId" | "targetVersion" | "batch">) => ({
  ac_task_id: run.taskId,
  ac_target_version: run.targetVersion,
  ac_batch: run.batch.index + 1,
  ac_batches: run.batch.total,
});

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

export async function runPlaybook(run: PlaybookRun): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `ac-task-${run.taskId.slice(0, 8)}-`));
  try {
    const inventory = path.join(dir, "inventory.json");
    const vars = path.join(dir, "extra-vars.json");
    await fs.writeFile(inventory, JSON.stringify(inventoryFor(run), null, 2), { mode: 0o600 });
    await fs.writeFile(vars, JSON.stringify(extraVarsFor(run), null, 2), { mode: 0o600 });
    const playbook = path.resolve(run.playbook);
    const args = [playbook, "-i", inventory, "-e", `@${vars}`];
    await execute(run, args, path.dirname(playbook));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function execute(run: PlaybookRun, args: string[], cwd: string): Promise<void> {
  const failures: string[] = [];
  let pending = "";
  const collect = (text: string) => {
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) if (/^(fatal|failed): /.test(line) && failures.length < 3) failures.push(line.slice(0, 500));
  };
  return new Promise<void>((resolve, reject) => {
    const child = spawn(run.bin, args, {
      cwd,
      detached: true, // its own process group: killed as a whole
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PYTHONUNBUFFERED: "1", ANSIBLE_NOCOLOR: "1", ANSIBLE_FORCE_COLOR: "0" },
    });
    let ended: "timeout" | "cancel" | null = null;
    const stop = (why: "timeout" | "cancel") => {
      if (ended || child.pid === undefined) return;
      ended = why;
      const pid = child.pid;
      const sent = killGroup(pid, "SIGTERM");
      run.log.line(`${why === "cancel" ? "cancel now" : "playbook timed out"}: terminating the playbook's process group ${pid} (SIGTERM${sent ? "" : ", already gone"})`);
      setTimeout(() => {
        if (killGroup(pid, "SIGKILL")) run.log.line(`process group ${pid} still alive after ${KILL_GRACE_MS / 1000} s: SIGKILL sent`);
      }, KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => stop("timeout"), run.timeoutMs);
    const onAbort = () => stop("cancel");
    run.signal.addEventListener("abort", onAbort, { once: true });
    if (run.signal.aborted) onAbort();

    child.stdout.setEncoding("utf8").on("data", (text: string) => (run.log.output(text), collect(text)));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (run.log.output(text), collect(text)));
    if (child.pid !== undefined) {
      run.log.line(`$ ${run.bin} ${args.join(" ")}   (pid ${child.pid}, cwd ${cwd})`);
      run.onPid(child.pid).catch(() => undefined); // only a help for a restart; the run goes on without it
    }
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      run.signal.removeEventListener("abort", onAbort);
      const hint = error.code === "ENOENT" ? ` (ANSIBLE_PLAYBOOK_BIN=${run.bin}; install ansible-core)` : "";
      reject(new StepFailed(`could not start ansible-playbook: ${error.message}${hint}`));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      run.signal.removeEventListener("abort", onAbort);
      run.onPid(null).catch(() => undefined);
      if (ended === "cancel") return reject(new Cancelled());
      if (ended === "timeout") return reject(new StepFailed(`ansible-playbook did not finish within ${run.timeoutMs / 1000} s and was killed`));
      if (code === 0) return resolve();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new StepFailed(`ansible-playbook ${how}${failures.length ? `: ${failures.join(" | ")}` : ""}`));
    });
  });
}
