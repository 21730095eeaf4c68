// Who used the CPU during a phase: this process, PostgreSQL (the postmaster and its children,
// exited backends included), the simulator, and everything else on the machine. On a shared
// 2-core box the last one says how far a wall time can be trusted. Linux /proc only.
import fs from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on every Linux this runs on (getconf CLK_TCK)

type ProcTimes = { ppid: number; own: number; children: number };

function readStat(pid: number): ProcTimes | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null; // gone meanwhile
  }
  // Fields after "(comm)": state ppid … utime(14) stime(15) cutime(16) cstime(17), 1-based.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}

/** The postmaster's own time, what it has reaped from exited backends, and its live children's. */
function postgresTicks(postmaster: number): number {
  const main = readStat(postmaster);
  if (!main) return 0;
  let ticks = main.own + main.children;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const child = readStat(Number(entry));
    if (child?.ppid === postmaster) ticks += child.own;
  }
  return ticks;
}

function machineBusyTicks(): number {
  const cpu = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return user + nice + system + irq + softirq + steal;
}

/** The postmaster of a backend (SELECT pg_backend_pid()). */
export function parentPid(pid: number): number {
  const stat = readStat(pid);
  if (!stat) throw new Error(`process ${pid} not found in /proc`);
  return stat.ppid;
}

export type CpuSplit = { pollerMs: number; postgresMs: number; simulatorMs: number; otherMs: number };

/** The simulator's processes (one per shard, tools/bench/sim-fleet.ts) together. */
const simulatorTicks = (pids: number[]) => pids.reduce((sum, pid) => sum + (readStat(pid)?.own ?? 0), 0);

/** Starts counting; the returned function gives the split since then. */
export function cpuMeter(postmasterPid: number, simulatorPids: number[]): () => CpuSplit {
  // The poller's own clock last: scanning /proc for PostgreSQL's backends is the bench's work, not the phase's.
  const start = {
    postgres: postgresTicks(postmasterPid),
    simulator: simulatorTicks(simulatorPids),
    machine: machineBusyTicks(),
    poller: process.cpuUsage(),
  };
  return () => {
    const used = process.cpuUsage(start.poller);
    const pollerMs = Math.round((used.user + used.system) / 1000);
    const postgresMs = (postgresTicks(postmasterPid) - start.postgres) * TICK_MS;
    const simulatorMs = (simulatorTicks(simulatorPids) - start.simulator) * TICK_MS;
    const machineMs = (machineBusyTicks() - start.machine) * TICK_MS;
    return { pollerMs, postgresMs, simulatorMs, otherMs: Math.max(0, machineMs - pollerMs - postgresMs - simulatorMs) };
  };
}
