// A real HAProxy for the update-task tests: one backend whose servers stand for the instances,
// no health checks, and the runtime API on a unix socket (level admin) to drive and watch it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { HaproxyPort } from "@/server/tasks/deps";

export type RuntimeHaproxy = {
  backend: string;
  /** One runtime API command; resolves with HAProxy's answer. */
  command(line: string): Promise<string>;
  /** Server name → status as `show stat` reports it (DRAIN, MAINT, no check, UP ...). */
  states(): Promise<Map<string, string>>;
  stop(): Promise<void>;
};

export async function startHaproxy(backend: string, servers: { name: string; address: string }[]): Promise<RuntimeHaproxy> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ac-haproxy-"));
  const socket = path.join(dir, "admin.sock");
  const config = [
    "global",
    `  stats socket ${socket} mode 600 level admin`,
    "defaults",
    "  mode http",
    "  timeout connect 1s",
    "  timeout client 5s",
    "  timeout server 5s",
    `backend ${backend}`,
    ...servers.map((s) => `  server ${s.name} ${s.address}`),
    "",
  ].join("\n");
  await fs.writeFile(path.join(dir, "haproxy.cfg"), config);
  const child: ChildProcess = spawn("haproxy", ["-db", "-f", path.join(dir, "haproxy.cfg")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));

  const command = (line: string) =>
    new Promise<string>((resolve, reject) => {
      const conn = net.createConnection(socket);
      let answer = "";
      conn.setTimeout(2_000, () => conn.destroy(new Error(`haproxy did not answer "${line}"`)));
      conn.on("connect", () => conn.write(`${line}\n`));
      conn.on("data", (chunk) => (answer += chunk.toString()));
      conn.on("end", () => resolve(answer));
      conn.on("error", reject);
    });
  for (let i = 0; ; i++) {
    try {
      await command("show info");
      break;
    } catch (error) {
      if (i > 50 || child.exitCode !== null) throw new Error(`haproxy did not start: ${stderr || (error as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    backend,
    command,
    async states() {
      const rows = (await command("show stat")).split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(","));
      return new Map(rows.filter((r) => r[0] === backend && r[1] !== "BACKEND").map((r) => [r[1]!, r[17]!]));
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The task runner's HAProxy port over the runtime API directly, instance id → server name.
 * Stands in for server/haproxy/commands (which goes through the agent) until that lands.
 */
export function runtimePort(haproxy: RuntimeHaproxy, servers: Map<number, string>): HaproxyPort {
  const ids = [...servers.keys()];
  return {
    async serversMappedToInstances(instanceIds) {
      const states = await haproxy.states();
      return instanceIds.filter((id) => servers.has(id)).map((id) => ({
        haproxyServerId: ids.indexOf(id) + 1,
        instanceId: id,
        label: `${haproxy.backend}/${servers.get(id)}`,
        status: states.get(servers.get(id)!) ?? null,
      }));
    },
    async runServerCommand({ haproxyServerId, command }) {
      const name = servers.get(ids[haproxyServerId - 1]!)!;
      const answer = (await haproxy.command(`set server ${haproxy.backend}/${name} state ${command}`)).trim();
      if (answer) return { ok: false, status: null, error: answer };
      return { ok: true, status: (await haproxy.states()).get(name) ?? null, error: null };
    },
  };
}
