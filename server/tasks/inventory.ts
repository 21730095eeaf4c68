// What ansible-playbook reads about a batch: the inventory (one host per instance, its ac_* host
// vars) and the extra vars, both written as YAML in which every string is tagged `!unsafe`.
// Ansible renders `{{ … }}` / `{% … %}` in inventory and extra vars values (JSON ones included),
// and these strings come from agents and admins: `!unsafe` is Ansible's documented way to keep a
// value as data that is never templated ("Unsafe or raw strings" in Ansible's docs; see
// docs/update-tasks.md, "The playbook contract").
import type { PlanInstance } from "./plan-types";

type Scalar = string | number | boolean | null;
type Tree = { [key: string]: Scalar | Tree };

export type InventoryInput = { instances: PlanInstance[]; targetVersion: string };
export type ExtraVarsInput = { taskId: string; targetVersion: string; batch: { index: number; total: number } };

/** `<server>__<instance>`: letters of any script, digits, `_ . -` kept, anything else `_`. */
const baseHostName = (i: PlanInstance) =>
  `${i.server.name}__${i.name}`.normalize("NFC").replace(/[^\p{L}\p{M}\p{N}_.-]/gu, "_");

/**
 * Inventory host names, unique per instance: two instances with one name on one server (a docker
 * app and a site, both `auth-service_1`) would otherwise be one host, and Ansible would run one.
 * Those that share a name get `__<instance id>`; if that still collides (a pathological name such
 * as `a__7`), every host gets its id, which cannot collide as ids are unique digit strings.
 */
export function inventoryHosts(instances: PlanInstance[]): Map<number, string> {
  const base = instances.map((i) => [i.id, baseHostName(i)] as const);
  const count = new Map<string, number>();
  for (const [, name] of base) count.set(name, (count.get(name) ?? 0) + 1);
  const names = new Map(base.map(([id, name]) => [id, count.get(name)! > 1 ? `${name}__${id}` : name]));
  if (new Set(names.values()).size === names.size) return names;
  return new Map(base.map(([id, name]) => [id, `${name}__${id}`]));
}

export function inventoryFor(run: InventoryInput): Tree {
  const hosts = inventoryHosts(run.instances);
  const entries = run.instances.map((i): [string, Tree] => [
    hosts.get(i.id)!,
    {
      ansible_host: i.server.ip,
      ac_instance_id: i.id,
      ac_instance_name: i.name,
      ac_instance_number: i.number,
      ac_server: i.server.name,
      ac_server_ip: i.server.ip,
      ac_app_type: i.appType,
      ac_current_version: i.currentVersion,
      ac_target_version: run.targetVersion,
      ac_artifact_url: i.artifactUrl.value,
      ac_artifact_extension: i.artifactExtension.value,
      ac_distr_path: i.distrPath,
      ac_path: i.path,
      ac_image: i.image,
      ac_compose_project_dir: i.composeProjectDir,
    },
  ]);
  return { all: { hosts: Object.fromEntries(entries) } };
}

export const extraVarsFor = (run: ExtraVarsInput): Tree => ({
  ac_task_id: run.taskId,
  ac_target_version: run.targetVersion,
  ac_batch: run.batch.index + 1,
  ac_batches: run.batch.total,
});

/** A YAML double-quoted scalar with everything but printable ASCII escaped (PyYAML refuses some raw characters). */
function quoted(text: string): string {
  let out = '"';
  for (const char of text) {
    let cp = char.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // a lone surrogate: not encodable, as in UTF-8 output
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (cp >= 0x20 && cp <= 0x7e) out += char;
    else if (cp <= 0xff) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

function scalar(value: Scalar): string {
  if (value === null) return "null";
  if (typeof value === "string") return `!unsafe ${quoted(value)}`;
  if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

/** Block-style YAML of `tree`: keys quoted, every string value `!unsafe`. */
export function toAnsibleYaml(tree: Tree, indent = ""): string {
  return Object.entries(tree)
    .map(([key, value]) => {
      if (value === null || typeof value !== "object") return `${indent}${quoted(key)}: ${scalar(value)}\n`;
      if (Object.keys(value).length === 0) return `${indent}${quoted(key)}: {}\n`;
      return `${indent}${quoted(key)}:\n${toAnsibleYaml(value, `${indent}  `)}`;
    })
    .join("");
}
