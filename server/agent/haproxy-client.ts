// The FAgent HAProxy endpoints over the shared agent client: same timeouts, size limit, token
// header, reply decoder and typed errors. A refusal (`success: false`) is an AgentError of kind "refused".
import { fetchReply, pathSegment, type AgentClientOptions, type AgentTarget } from "./client";
import {
  parseBackendsReply,
  parseCommandReply,
  parseServersReply,
  type HaproxyCommand,
  type LiveServer,
} from "./haproxy-contract";

const base = (target: AgentTarget, instance: string) => `/api/haproxy/${pathSegment(target, instance)}`;

export async function fetchHaproxyBackends(
  target: AgentTarget,
  instance: string,
  options: AgentClientOptions,
): Promise<string[]> {
  return fetchReply(target, `${base(target, instance)}/backends`, options, parseBackendsReply);
}

export async function fetchHaproxyServers(
  target: AgentTarget,
  instance: string,
  backend: string,
  options: AgentClientOptions,
): Promise<LiveServer[]> {
  const path = `${base(target, instance)}/backends/${pathSegment(target, backend)}/servers`;
  return fetchReply(target, path, options, parseServersReply);
}

/** Resolves with the agent's message, if any. */
export async function sendHaproxyCommand(
  target: AgentTarget,
  at: { instance: string; backend: string; server: string },
  command: HaproxyCommand,
  options: AgentClientOptions,
): Promise<string | null> {
  const path = `${base(target, at.instance)}/backends/${pathSegment(target, at.backend)}/servers/${pathSegment(target, at.server)}/${command}`;
  return fetchReply(target, path, options, parseCommandReply, "POST");
}
