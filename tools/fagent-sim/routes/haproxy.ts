// FAgent's HAProxy routes (docs/haproxy.md, "Agent endpoints"). The stats count each servers read per backend
// (`detail`), so a test can prove that selective polling read only the selected backends.
import { json, type Reply } from "../faults";
import type { AgentState } from "../fleet";
import {
  HaproxyRefusal,
  isCommand,
  listBackends,
  listServers,
  runCommand,
  takeFault,
  type SimHaproxy,
} from "../haproxy";
import type { AgentRoute } from "./fagent";

const BASE = String.raw`^\/api\/haproxy\/([^/]+)`;
const decode = (match: RegExpExecArray, i: number) => decodeURIComponent(match[i]!);

/** Runs `work` for the named instance, answering as FAgent does: success true, or false with the reason. */
async function answer(
  agent: AgentState,
  instance: string,
  work: (h: SimHaproxy) => Promise<Record<string, unknown>>,
): Promise<Reply> {
  const h = agent.haproxy.get(instance);
  if (!h)
    return json(200, { success: false, error: `HAProxy instance ${instance} is not configured on ${agent.name}` });
  const fault = takeFault(h);
  if (fault?.fault === "http500")
    return json(500, { error: fault.message ?? "internal error: HAProxy module crashed" });
  if (fault?.fault === "refuse")
    return json(200, { success: false, error: fault.message ?? "cannot connect to HAProxy socket" });
  if (fault?.fault === "brokenJson")
    return { status: 200, body: Buffer.from('{"success": true, "servers": [{"name": ') };
  try {
    return json(200, { success: true, ...(await work(h)) });
  } catch (error) {
    if (error instanceof HaproxyRefusal) return json(200, { success: false, error: error.message });
    throw error;
  }
}

export const haproxyRoutes: AgentRoute[] = [
  {
    name: "haproxy.backends",
    method: "GET",
    path: new RegExp(`${BASE}/backends$`),
    detail: (m) => decode(m, 1),
    handle: ({ agent, match }) => answer(agent, decode(match, 1), async (h) => ({ backends: await listBackends(h) })),
  },
  {
    name: "haproxy.servers",
    method: "GET",
    path: new RegExp(`${BASE}/backends/([^/]+)/servers$`),
    detail: (m) => `${decode(m, 1)}/${decode(m, 2)}`,
    handle: ({ agent, match }) =>
      answer(agent, decode(match, 1), async (h) => ({ servers: await listServers(h, decode(match, 2)) })),
  },
  {
    name: "haproxy.command",
    method: "POST",
    path: new RegExp(`${BASE}/backends/([^/]+)/servers/([^/]+)/([a-z]+)$`),
    detail: (m) => `${decode(m, 1)}/${decode(m, 2)}/${decode(m, 3)} ${m[4]}`,
    handle: ({ agent, match }) => {
      const command = match[4]!;
      if (!isCommand(command)) return json(404, { success: false, error: `unknown command ${command}` });
      return answer(agent, decode(match, 1), async (h) => {
        await runCommand(h, decode(match, 2), decode(match, 3), command);
        return { message: `${command} applied to ${decode(match, 2)}/${decode(match, 3)}` };
      });
    },
  },
];
