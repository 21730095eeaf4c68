// The playbooks shipped in ansible/ parse with the installed ansible-playbook: the example that
// docs/update-tasks.md points to, and the one the tests and the e2e server run.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);

it.each(["update-app.example.yml", "simulator-update.yml"])(
  "ansible/%s passes ansible-playbook --syntax-check",
  async (file) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ac-syntax-"));
    try {
      const inventory = path.join(dir, "inventory.json");
      await fs.writeFile(
        inventory,
        JSON.stringify({ all: { hosts: { "web-1__shop_1": { ansible_host: "127.0.0.1" } } } }),
      );
      const { stdout } = await run(
        "ansible-playbook",
        ["--syntax-check", "-i", inventory, path.resolve("ansible", file)],
        { timeout: 30_000 },
      );
      expect(stdout).toContain(`playbook: ${path.resolve("ansible", file)}`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
);
