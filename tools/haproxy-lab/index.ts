// A real HAProxy (Debian's package) for tests and the demo: a generated config in a temp folder,
// master-worker mode so a reload (SIGUSR2) swaps the config without a restart, the runtime API on
// a unix socket. Everything is bounded in time; stop() (or this process exiting) ends it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { renderConfig, type LabSpec } from "./config";
import { backendNames, runtimeCommand } from "./runtime";

export type { LabBackend, LabServer, LabSpec } from "./config";
export * from "./runtime";

export type HaproxyLab = {
  dir: string;
  /** The runtime API socket: give it to a simulated agent as its HAProxy instance's socket. */
  socket: string;
  spec: LabSpec;
  command(line: string): Promise<string>;
  /** Writes the new config and reloads; resolves when HAProxy serves exactly its backends. */
  reload(spec: LabSpec): Promise<void>;
  stop(): Promise<void>;
};

export const HAPROXY_BIN = ["/usr/sbin/haproxy", "/usr/local/sbin/haproxy"].find((p) => fs.existsSync(p)) ?? "haproxy";

/** Whether an haproxy binary runs here (tools/setup.sh installs Debian's package). */
export function haproxyAvailable(): boolean {
  return spawnSync(HAPROXY_BIN, ["-v"], { stdio: "ignore", timeout: 5_000 }).status === 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(
  what: string,
  deadlineMs: number,
  check: () => Promise<boolean>,
  child: ChildProcess,
  stderr: () => string,
) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}): ${stderr().trim()}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`haproxy: ${what} within ${deadlineMs} ms; stderr: ${stderr().trim()}`);
    await sleep(50);
  }
}

const workerPid = async (socket: string) =>
  /^Pid: (\d+)$/m.exec(await runtimeCommand(socket, "show info"))?.[1] ?? null;
const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

export async function startHaproxyLab(spec: LabSpec): Promise<HaproxyLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ac-haproxy-lab-"));
  const socket = path.join(dir, "admin.sock");
  const stateFile = path.join(dir, "server-state");
  const configFile = path.join(dir, "haproxy.cfg");
  fs.writeFileSync(configFile, renderConfig(spec, { socket, stateFile }));
  // Not -q: it silences the ALERT lines that say what is wrong.
  const check = spawnSync(HAPROXY_BIN, ["-c", "-f", configFile], { encoding: "utf8", timeout: 10_000 });
  if (check.status !== 0) {
    const said = (check.stderr || check.stdout || check.error?.message || `ended by ${check.signal}`)
      .split("\n")
      .filter((l) => !l.includes("[NOTICE]"))
      .join("\n");
    throw new Error(`haproxy refused the lab config: ${said.trim()}`);
  }

  const child = spawn(HAPROXY_BIN, ["-W", "-db", "-f", configFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const kill = () => child.exitCode === null && child.kill("SIGKILL");
  const onExit = () => (kill(), fs.rmSync(dir, { recursive: true, force: true }));
  process.once("exit", onExit); // a crashed test run or a stopped demo must not leave haproxy behind

  const lab: HaproxyLab = {
    dir,
    socket,
    spec,
    command: (line) => runtimeCommand(socket, line),
    async reload(next) {
      // What an operator's reload keeps: drain / maint states, through the state file.
      fs.writeFileSync(stateFile, await runtimeCommand(socket, "show servers state"));
      fs.writeFileSync(configFile, renderConfig(next, { socket, stateFile }));
      const before = await workerPid(socket);
      child.kill("SIGUSR2");
      // The new worker (another pid) answers on the socket once it runs the new config.
      const want = next.backends.map((b) => b.name);
      const served = async () => (await workerPid(socket)) !== before && sameSet(await backendNames(socket), want);
      await until("did not serve the reloaded config", 10_000, served, child, () => stderr);
      lab.spec = next;
    },
    async stop() {
      process.removeListener("exit", onExit);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(3_000)]);
        kill();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await until(
      "did not open its runtime API",
      10_000,
      async () => (await runtimeCommand(socket, "show info")).includes("Pid:"),
      child,
      () => stderr,
    );
  } catch (error) {
    await lab.stop();
    throw error;
  }
  return lab;
}

/** A TCP listener on `host` (any free port) for HAProxy to health-check as UP; close() makes it DOWN. */
export async function listenStub(host: string): Promise<{ address: string; port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0 }, resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `${host}:${port}`,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
