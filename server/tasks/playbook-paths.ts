// Which playbooks AC may run: files inside the folders of PLAYBOOK_DIRS, judged by their real
// path, so neither `..` nor a symbolic link leads out of them (docs/update-tasks.md, "Playbook
// directories"). Checked where an admin saves a path (a field error in the form), when a plan is
// made (a problem that stops the start) and again right before ansible-playbook runs.
import fs from "node:fs/promises";
import path from "node:path";
import { config, isInside } from "../config";

async function realDirs(): Promise<string[]> {
  const dirs = await Promise.all(config().PLAYBOOK_DIRS.map((dir) => fs.realpath(dir).catch(() => null)));
  return dirs.filter((dir): dir is string => dir !== null);
}

/** The real path of `file`, or, when it does not exist yet, of its nearest existing folder plus the rest. */
async function realPathOf(file: string): Promise<{ real: string; exists: boolean }> {
  const absolute = path.resolve(file);
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = await fs.realpath(existing);
      return { real: path.join(real, ...rest), exists: rest.length === 0 };
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return { real: absolute, exists: false };
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}

const dirsText = () => config().PLAYBOOK_DIRS.join(":");

/** Why `file` may not be an update playbook, or null. A file that does not exist yet is fine here. */
export async function playbookPathProblem(file: string): Promise<string | null> {
  const { real } = await realPathOf(file);
  if ((await realDirs()).some((dir) => isInside(dir, real))) return null;
  const via = real === path.resolve(file) ? "" : ` (it leads to ${real})`;
  return `must be inside a playbook directory of this AC (PLAYBOOK_DIRS: ${dirsText()})${via}`;
}

export type ResolvedPlaybook = { ok: true; path: string } | { ok: false; problem: string };

/** The playbook as ansible-playbook will read it: its real path, an existing file inside PLAYBOOK_DIRS. */
export async function resolvePlaybook(file: string): Promise<ResolvedPlaybook> {
  const outside = await playbookPathProblem(file);
  if (outside) return { ok: false, problem: `Playbook ${file} ${outside}` };
  const { real, exists } = await realPathOf(file);
  const isFile =
    exists &&
    (await fs.stat(real).then(
      (s) => s.isFile(),
      () => false,
    ));
  if (!isFile) return { ok: false, problem: `Playbook ${file} does not exist on the AC host` };
  return { ok: true, path: real };
}
