// The FAgent HAProxy endpoints over the shared agent client: same timeouts, size limit, token
// header and typed errors. A refusal (`success: false`) is an AgentError of kind "refused".
import { agentHost, AgentError, requestAgent, type AgentClientOptions, type AgentTarget } from "./client";
import { AgentReplyError } from "./contract";
import {
  AgentRefusal,
  parseBackendsReply,
  parseCommandReply,
  parseServersReply,
  type HaproxyCommand,
  type LiveServer,
} from "./haproxy-contract";

const segment = encodeURIComponent;
const base = (instance: string) => `/api/haproxy/${segment(instance)}`;

export async function fetchHaproxyBackends(target: AgentTarget, instance: string, options: AgentClientOptions): Promise<string[]> {
  return decode(await requestAgent(target, `${base(instance)}/backends`, options), target, parseBackendsReply);
}

export async function fetchHaproxyServers(
  target: AgentTarget,
  instance: string,
  backend: string,
  options: AgentClientOptions,
): Promise<LiveServer[]> {
  const path = `${base(instance)}/backends/${segment(backend)}/servers`;
  return decode(await requestAgent(target, path, options), target, parseServersReply);
}

/** Resolves with the agent's message, if any. */
export async function sendHaproxyCommand(
  target: AgentTarget,
  at: { instance: string; backend: string; server: string },
  command: HaproxyCommand,
  options: AgentClientOptions,
): Promise<string | null> {
  const path = `${base(at.instance)}/backends/${segment(at.backend)}/servers/${segment(at.server)}/${command}`;
  return decode(await requestAgent(target, path, options, "POST"), target, parseCommandReply);
}

function decode<T>(body: Buffer, target: AgentTarget, parse: (json: unknown) => T): T {
  const who = agentHost(target);
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new AgentError("invalid_json", who, `agent ${who}: reply is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  try {
    return parse(json);
  } catch (error) {
    if (error instanceof AgentRefusal) throw new AgentError("refused", who, `agent ${who}: ${error.message}`, { cause: error });
    if (error instanceof AgentReplyError) throw new AgentError("invalid_reply", who, `agent ${who}: ${error.message}`, { cause: error });
    throw error;
  }
}
