// Runs ansible-playbook for a batch: a generated inventory (one host per instance, its ac_* host
// vars) and extra vars (ac_task_id, ac_target_version, ...), both in a private temp folder as
// YAML whose strings are never templated (inventory.ts); an allowlisted environment
// (playbook-env.ts); the playbook's real path, checked against PLAYBOOK_DIRS just before the run
// (playbook-paths.ts). The output is streamed into the task log. The playbook gets its own
// process group, so a timeout or a "cancel now" ends it with everything it started. The contract
// is docs/update-tasks.md.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Cancelled, StepFailed } from "./errors";
import { extraVarsFor, inventoryFor, toAnsibleYaml } from "./inventory";
import type { TaskLog } from "./log";
import type { PlanInstance } from "./plan-types";
import { playbookEnv } from "./playbook-env";
import { resolvePlaybook } from "./playbook-paths";
import { ABORT } from "./runner-identity";

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

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

export async function runPlaybook(run: PlaybookRun): Promise<void> {
  // Checked again here: the plan was made earlier, and a link in the folder may have changed since.
  const resolved = await resolvePlaybook(run.playbook);
  if (!resolved.ok) throw new StepFailed(resolved.problem);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `ac-task-${run.taskId.slice(0, 8)}-`));
  try {
    const inventory = path.join(dir, "inventory.yml");
    const vars = path.join(dir, "extra-vars.yml");
    await fs.writeFile(inventory, toAnsibleYaml(inventoryFor(run)), { mode: 0o600 });
    await fs.writeFile(vars, toAnsibleYaml(extraVarsFor(run)), { mode: 0o600 });
    const playbook = resolved.path;
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
    for (const line of lines)
      if (/^(fatal|failed): /.test(line) && failures.length < 3) failures.push(line.slice(0, 500));
  };
  return new Promise<void>((resolve, reject) => {
    const child = spawn(run.bin, args, {
      cwd,
      detached: true, // its own process group: killed as a whole
      stdio: ["ignore", "pipe", "pipe"],
      env: playbookEnv() as NodeJS.ProcessEnv, // Next declares NODE_ENV required; a playbook has no use for it
    });
    let ended: "timeout" | "cancel" | null = null;
    const stop = (why: "timeout" | "cancel") => {
      if (ended || child.pid === undefined) return;
      ended = why;
      const pid = child.pid;
      if (why === "cancel" && run.signal.reason === ABORT.fenced) {
        // No time for a graceful end: the group must be gone before the lease runs out (fence.ts),
        // and ansible-playbook does not stop on SIGTERM while a task of it runs.
        const sent = killGroup(pid, "SIGKILL");
        run.log.line(
          `lease about to run out unrenewed: killing the playbook's process group ${pid} (SIGKILL${sent ? "" : ", already gone"})`,
        );
        return;
      }
      const sent = killGroup(pid, "SIGTERM");
      run.log.line(
        `${why === "cancel" ? "cancel now" : "playbook timed out"}: terminating the playbook's process group ${pid} (SIGTERM${sent ? "" : ", already gone"})`,
      );
      setTimeout(() => {
        if (killGroup(pid, "SIGKILL"))
          run.log.line(`process group ${pid} still alive after ${KILL_GRACE_MS / 1000} s: SIGKILL sent`);
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
      if (ended === "timeout")
        return reject(
          new StepFailed(`ansible-playbook did not finish within ${run.timeoutMs / 1000} s and was killed`),
        );
      if (code === 0) return resolve();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new StepFailed(`ansible-playbook ${how}${failures.length ? `: ${failures.join(" | ")}` : ""}`));
    });
  });
}
