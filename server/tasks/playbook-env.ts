// The environment ansible-playbook runs with: an allowlist, not AC's own environment, which holds
// the session secret, DATABASE_URL and the first admin's password; a playbook's output (and so
// anything it prints from its environment) lands in task logs that viewers read. See
// docs/update-tasks.md, "The playbook contract".
import { AC_SECRETS, config } from "../config";

/** What Ansible and the tools it starts need: the search path, home (~/.ansible), locale, SSH agent. */
const BASE = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "SSH_AUTH_SOCK",
  "SSH_AGENT_PID",
];
/** Ansible's own settings (ANSIBLE_CONFIG, ANSIBLE_ROLES_PATH, …) and the locale categories. */
const PREFIXES = ["ANSIBLE_", "LC_"];

export function playbookEnv(
  source: Record<string, string | undefined> = process.env,
  extra: string[] = config().PLAYBOOK_ENV,
): Record<string, string> {
  const allowed = (name: string) =>
    BASE.includes(name) || extra.includes(name) || PREFIXES.some((p) => name.startsWith(p));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && allowed(name) && !AC_SECRETS.includes(name)) env[name] = value;
  }
  return { ...env, PYTHONUNBUFFERED: "1", ANSIBLE_NOCOLOR: "1", ANSIBLE_FORCE_COLOR: "0" };
}
