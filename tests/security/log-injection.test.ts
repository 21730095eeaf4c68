// AC's server log is what operators read after an incident, so text from outside must not start a
// line of its own there. A hostile agent's HAProxy refusal message went into it as sent: a newline
// in it forged a "[ac] login success" line. The task log already escaped such text (TaskLog.line);
// the server log now does the same (server/security/log-text.ts, docs/security.md).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/server/db";
import { resetBreaker } from "@/server/haproxy/breaker";
import { invalidateLive } from "@/server/haproxy/live";
import { setHaproxyOptions } from "@/server/haproxy/settings";
import { syncInstance } from "@/server/haproxy/sync";
import { oneLine } from "@/server/security/log-text";
import { startHostileAgent, type HostileAgent } from "./hostile-agent";

const FORGED = '[ac] login success local "admin" user 1 10.0.0.1';
let agent: HostileAgent;

beforeAll(async () => {
  agent = await startHostileAgent("127.0.68.9");
  setHaproxyOptions({
    agent: { timeoutMs: 2_000, maxResponseBytes: 1024 * 1024, tokenHeader: "X-Agent-Token" },
    retries: 0,
    sleep: async () => undefined,
  });
  await resetBreaker();
});
afterAll(async () => {
  setHaproxyOptions(undefined);
  await agent.stop();
});

/** Every line the process wrote through console.error / warn / info / log while `run` ran. */
async function logLines(run: () => Promise<unknown>): Promise<string[]> {
  const spies = (["error", "warn", "info", "log"] as const).map((level) => vi.spyOn(console, level));
  try {
    await run();
    return spies
      .flatMap((spy) => spy.mock.calls.map((call) => call.map(String).join(" ")))
      .flatMap((t) => t.split("\n"));
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

describe("the server log", () => {
  it("keeps a hostile agent's HAProxy message on one line", async () => {
    const server = await db().server.create({ data: { name: "lb-host", ip: agent.ip, port: agent.port } });
    const instance = await db().hAProxyInstance.create({ data: { name: "lb1", serverId: server.id } });
    await invalidateLive(instance.id);
    agent.reply("/api/haproxy/lb1/backends", { success: false, message: `socket busy\n${FORGED}\r\nmore` });

    const lines = await logLines(() => syncInstance(instance.id));
    expect(lines.some((line) => line.includes("socket busy"))).toBe(true); // the failure is logged
    expect(lines.filter((line) => line.startsWith("[ac] login success"))).toEqual([]);
  });

  it("escapes control characters as JSON does and leaves other text alone", () => {
    expect(oneLine(`a\nb\r\tc\u0000\u007f`)).toBe("a\\nb\\r\\tc\\u0000\\u007f");
    // Line breaks to some log viewers though not to JSON: NEL and the other C1 controls, U+2028, U+2029.
    expect(oneLine("a\u0085b\u009bc\u2028d\u2029e")).toBe("a\\u0085b\\u009bc\\u2028d\\u2029e");
    expect(oneLine("Москва: 1.2.3 ✓")).toBe("Москва: 1.2.3 ✓");
  });
});
