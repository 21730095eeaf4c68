// The FAgent routes of docs/agent-contract.md. Other agent APIs (HAProxy, routes/haproxy.ts) go in sibling modules
// exporting the same AgentRoute list; server.ts serves the concatenation.
import { faultReply, json, type Reply } from "../faults";
import { appsObject, type AgentState, type Fleet } from "../fleet";

export type AgentRoute = {
  /** Name under which /stats counts this route. */
  name: string;
  method: "GET" | "POST";
  path: RegExp;
  /** A finer count under /stats `detail` (e.g. "lb1/be_web" for one backend's servers). */
  detail?: (match: RegExpExecArray) => string;
  handle(ctx: RouteContext): Reply | Promise<Reply>;
};
export type RouteContext = { agent: AgentState; fleet: Fleet; match: RegExpExecArray; readJson(): Promise<unknown> };

export const fagentRoutes: AgentRoute[] = [
  { name: "ping", method: "GET", path: /^\/ping$/, handle: () => json(200, { status: "ok" }) },
  {
    name: "apps",
    method: "GET",
    path: /^\/api\/v1\/apps$/,
    handle({ agent, fleet }) {
      if (agent.faults.reply) return faultReply(agent.faults.reply, () => structuredClone(appsObject(agent)));
      return { status: 200, body: fleet.appsReply(agent) };
    },
  },
];
