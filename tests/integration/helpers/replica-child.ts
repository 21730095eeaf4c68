// A second AC replica for replica-shared-state.test.ts: its own process on the same database, with
// its own in-memory caches. It answers JSON lines on stdin ({ id, op, args }) with JSON lines on
// stdout ({ id, ok, value | error }). The HAProxy clock is the test's: `clock` sets it.
import readline from "node:readline";
import { runServerCommand } from "@/server/haproxy/commands";
import { liveBackends } from "@/server/haproxy/live-view";
import { listInstances } from "@/server/haproxy/queries";
import { setHaproxyOptions, type HaproxyOptions } from "@/server/haproxy/settings";
import { syncInstance } from "@/server/haproxy/sync";

type Request = { id: number; op: string; args: unknown[] };
let base: Partial<HaproxyOptions> = {};
let now = 0;

const ops: Record<string, (...args: never[]) => Promise<unknown>> = {
  async options(options: Partial<HaproxyOptions>, clock: number) {
    base = options;
    now = clock;
    setHaproxyOptions({ ...base, now: () => now, sleep: async () => undefined });
  },
  async clock(clock: number) {
    now = clock;
  },
  sync: (instanceId: number) => syncInstance(instanceId),
  liveBackends: (instanceId: number) => liveBackends(instanceId),
  breaker: async (instanceId: number) => (await listInstances({})).find((i) => i.id === instanceId)!.breaker,
  command: (haproxyServerId: number, command: "drain" | "ready" | "maint") =>
    runServerCommand({ haproxyServerId, command, actor: "replica-b" }),
};

for await (const line of readline.createInterface({ input: process.stdin })) {
  const { id, op, args } = JSON.parse(line) as Request;
  // Each request runs on its own, so the test can send several at once.
  void (async () => {
    try {
      const value = await ops[op]!(...(args as never[]));
      process.stdout.write(`${JSON.stringify({ id, ok: true, value })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ id, ok: false, error: String(error) })}\n`);
    }
  })();
}
