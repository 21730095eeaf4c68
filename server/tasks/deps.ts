// What the task runner talks to outside the database: HAProxy (through server/haproxy), the
// agents, ansible-playbook. Production uses the real ones; tests may swap a part (a fake HAProxy
// where no lab runs, short agent timeouts) with setTaskDeps.
import { clientOptionsFromConfig, type AgentClientOptions } from "../agent/client";
import { config } from "../config";
import { runServerCommand, serversMappedToInstances } from "../haproxy/commands";
import { currentSessions } from "../haproxy/sessions";

export type HaproxyPort = {
  serversMappedToInstances: typeof serversMappedToInstances;
  runServerCommand: typeof runServerCommand;
  currentSessions: typeof currentSessions;
};

export type TaskDeps = {
  haproxy: HaproxyPort;
  agent: AgentClientOptions;
  ansiblePlaybook: string;
  playbookTimeoutMs: number;
  /** Pause between two agent checks while confirming an instance. */
  confirmPollMs: number;
  /** Pause between two reads of the drained servers' sessions. */
  sessionPollMs: number;
};

const holder = globalThis as { acTaskDeps?: Partial<TaskDeps> };

export function taskDeps(): TaskDeps {
  const c = config();
  return {
    haproxy: { serversMappedToInstances, runServerCommand, currentSessions },
    agent: clientOptionsFromConfig(c),
    ansiblePlaybook: c.ANSIBLE_PLAYBOOK_BIN,
    playbookTimeoutMs: c.TASK_PLAYBOOK_TIMEOUT * 1000,
    confirmPollMs: 1000,
    sessionPollMs: 2000,
    ...holder.acTaskDeps,
  };
}

/** Tests: replace some dependencies for the tasks started afterwards; undefined restores all. */
export function setTaskDeps(overrides: Partial<TaskDeps> | undefined): void {
  holder.acTaskDeps = overrides;
}
