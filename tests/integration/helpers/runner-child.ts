// Another AC replica for the task tests: a real child process (tsx) on the same test database
// running a task runner (start-task-child.ts), optionally starting one update itself.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export type RunnerChild = {
  child: ChildProcess;
  runnerId: string;
  /** The task the child started, when it was given a request. */
  taskId: string | null;
  /** kill -9, resolved once the process is gone. */
  kill(): Promise<void>;
};

export async function spawnRunner(env: Record<string, string>, request?: unknown): Promise<RunnerChild> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(import.meta.dirname, "start-task-child.ts"),
      ...(request ? [JSON.stringify(request)] : []),
    ],
    {
      cwd: path.resolve(import.meta.dirname, "../../.."),
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  try {
    const lines = await new Promise<Record<string, string>>((resolve, reject) => {
      let out = "";
      const found: Record<string, string> = {};
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        for (const line of out.split("\n").filter((l) => l.startsWith("{"))) Object.assign(found, JSON.parse(line));
        if (found.runnerId && (!request || found.id)) resolve(found);
      });
      child.once("exit", (code) => reject(new Error(`runner child exited (${code}) before it was ready`)));
    });
    return { child, runnerId: lines.runnerId!, taskId: lines.id ?? null, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}
