// The container image as an operator runs it (docs/operations.md "The container image"):
// loaded from dist/ac-<version>.oci.tar with podman, run against PostgreSQL with the tarball's
// checks, then with systemd inside running ac.service, whose server comes back after kill -9.
// Run by `npm run test:release-image` after it built the image (tools/release/test-image.sh).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDatabase } from "../../tools/db/ensure";
import { freePort, startTemporaryPostgres, type EmbeddedPostgresHandle } from "../../tools/db/embedded";
import { generateFleet, startSimulator, type Simulator } from "../../tools/fagent-sim";
import { version } from "../../tools/release/tarball";
import { ADMIN, AUTH_SECRET, checkRunningAc, waitForHealth } from "./checks";

const execFileAsync = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const archive = path.join(root, "dist", `ac-${version}.oci.tar`);
const image = `localhost/ac:${version}`;
const suffix = randomBytes(3).toString("hex");
const systemdImage = `localhost/ac-systemd-test:${suffix}`;
const containers: string[] = [];
const HEALTH_CMD = "node /opt/ac/healthcheck.mjs";

// The VM's podman settings (tools/release/podman-vm.conf) unless the machine has its own.
const env = {
  ...process.env,
  CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? path.join(root, "tools/release/podman-vm.conf"),
};
const podman = async (...args: string[]) =>
  (await execFileAsync("podman", args, { env, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();

let parent: string;
let postgres: EmbeddedPostgresHandle;
let simulator: Simulator;

beforeAll(async () => {
  if (!fs.existsSync(archive)) throw new Error(`${archive} is missing: run \`npm run release\``);
  parent = fs.mkdtempSync(path.join(os.tmpdir(), "ac-image-"));
  // From the archive, not from the build's local copy.
  await podman("rmi", "--force", image).catch(() => {});
  expect(await podman("load", "--quiet", "-i", archive)).toContain(image);
  postgres = await startTemporaryPostgres();
  simulator = await startSimulator({ scenario: generateFleet({ servers: 1, appsPerServer: 3, seed: 9, port: 0 }) });
});

afterAll(async () => {
  for (const name of containers) await podman("rm", "--force", "--time", "5", name).catch(() => {});
  await podman("rmi", "--force", systemdImage).catch(() => {});
  await simulator?.stop();
  await postgres?.stop();
  if (parent) fs.rmSync(parent, { recursive: true, force: true });
});

/** An env file as /etc/ac/ac.env would hold it, for a database of its own and a free port. */
function envFile(name: string, database: string, port: number): string {
  const file = path.join(parent, `${name}.env`);
  const lines = {
    DATABASE_URL: withDatabase(postgres.url, database),
    AUTH_SECRET,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    HOSTNAME: "127.0.0.1",
    PORT: String(port),
    AC_ADMIN_USER: ADMIN.login,
    AC_ADMIN_PASSWORD: ADMIN.password,
  };
  fs.writeFileSync(
    file,
    Object.entries(lines)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n",
  );
  return file;
}

const stillRunning = (name: string) => async () =>
  (await podman("inspect", "--format", "{{.State.Running}}", name).catch(() => "false")) === "true"
    ? null
    : `${name} is not running:\n${await podman("logs", name).catch(() => "")}`;

/** waitForHealth with a liveness probe that may only be asked synchronously: the last answer is used. */
async function waitForContainer(base: string, name: string): Promise<void> {
  let dead: string | null = null;
  const probe = setInterval(() => void stillRunning(name)().then((d) => (dead = d)), 2000);
  try {
    await waitForHealth(base, 120_000, () => dead);
  } finally {
    clearInterval(probe);
  }
}

describe("release image", () => {
  it("runs as an unprivileged user, with the migrate-then-serve entrypoint", async () => {
    const config = JSON.parse(await podman("image", "inspect", image))[0].Config;
    expect(config.User).toBe("ac");
    expect(config.Entrypoint).toEqual(["/usr/bin/tini", "--", "/usr/local/bin/ac-entrypoint"]);
  });

  it("migrates, serves a logged-in page, a static file and a polled agent, and stops on SIGTERM", async () => {
    const port = await freePort();
    const name = `ac-release-test-${suffix}`;
    containers.push(name);
    // The health check as docs/operations.md gives it: an OCI image config has no field for it.
    await podman(
      "run",
      "--detach",
      "--name",
      name,
      "--network",
      "host",
      "--health-cmd",
      HEALTH_CMD,
      "--env-file",
      envFile(name, "ac_image", port),
      image,
    );
    await waitForContainer(`http://127.0.0.1:${port}`, name);
    expect(await podman("logs", name)).toMatch(/\[migrate\] done: \d+ migration\(s\) applied/);
    await checkRunningAc(`http://127.0.0.1:${port}`, simulator);
    await podman("healthcheck", "run", name); // throws on an unhealthy answer
    await podman("exec", name, "sh", "-c", `PORT=${await freePort()} ${HEALTH_CMD}`).then(
      () => expect.fail("the health check passed against a port nothing listens on"),
      () => {},
    );
    await podman("stop", "--time", "15", name);
    // ac-server.mjs exits 0 on SIGTERM (tini passes it on and returns the server's status).
    expect(await podman("inspect", "--format", "{{.State.ExitCode}}", name)).toBe("0");
  });

  it("runs ac.service under systemd inside the image: migrates, serves, and restarts the server after kill -9", async () => {
    const context = path.join(parent, "systemd");
    fs.mkdirSync(context);
    fs.writeFileSync(
      path.join(context, "Containerfile"),
      [
        `FROM ${image}`,
        "USER root",
        "RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd-sysv >/dev/null && rm -rf /var/lib/apt/lists/*",
        // INSTALL.md's steps: the unit from the release, enabled; the env file is mounted at run time.
        "RUN cp /opt/ac/ac.service /etc/systemd/system/ac.service && mkdir -p /etc/ac && systemctl enable ac.service",
        'ENTRYPOINT ["/sbin/init"]',
        "CMD []",
      ].join("\n"),
    );
    await podman("build", "--quiet", "--network", "host", "--format", "docker", "-t", systemdImage, context);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const name = `ac-release-systemd-${suffix}`;
    containers.push(name);
    const envPath = envFile(name, "ac_systemd", port);
    fs.chmodSync(envPath, 0o600);
    // Without CAP_SYS_ADMIN systemd cannot build the unit's mount namespace and silently runs it
    // unconfined (ProtectSystem, PrivateTmp ignored); with it, the sandbox is the real one.
    await podman(
      "run",
      "--detach",
      "--name",
      name,
      "--systemd",
      "always",
      "--cap-add",
      "SYS_ADMIN",
      "--network",
      "host",
      "-v",
      `${envPath}:/etc/ac/ac.env:ro`,
      systemdImage,
    );
    await waitForContainer(base, name);
    const journal = await podman("exec", name, "journalctl", "--no-pager", "-u", "ac.service");
    expect(journal).toMatch(/\[migrate\] done: \d+ migration\(s\) applied/);
    await checkRunningAc(base, simulator);

    const show = async (property: string) =>
      podman("exec", name, "systemctl", "show", "--value", "-p", property, "ac.service");
    const pid = await show("MainPID");
    // The hardening is in force on the server process, not only written in the unit.
    const status = await podman("exec", name, "cat", `/proc/${pid}/status`);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(status).toMatch(/^Uid:\s+(\d+)\s/m);
    expect(status.match(/^Uid:\s+(\d+)\s/m)![1]).not.toBe("0");
    // ProtectSystem=strict: the release is read-only to the server, its StateDirectory is not.
    const inServerMounts = (command: string) =>
      podman(
        "exec",
        "--privileged",
        "--user",
        "root",
        name,
        "nsenter",
        "--target",
        pid,
        "--mount",
        "--",
        "sh",
        "-c",
        command,
      );
    await expect(inServerMounts("touch /opt/ac/probe")).rejects.toThrow(/Read-only file system/);
    await inServerMounts("touch /var/lib/ac/probe && rm /var/lib/ac/probe");

    await podman("exec", name, "sh", "-c", `kill -9 ${pid}`); // the shell's kill: minbase has no procps
    const deadline = Date.now() + 60_000;
    let restarted = "";
    while (Date.now() < deadline) {
      const now = await show("MainPID");
      if (now !== "0" && now !== pid && (await show("ActiveState")) === "active") {
        restarted = now;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(
      restarted,
      `ac.service was not restarted:\n${await podman("exec", name, "journalctl", "--no-pager", "-u", "ac.service").catch(() => "")}`,
    ).not.toBe("");
    expect(Number(await show("NRestarts"))).toBeGreaterThanOrEqual(1);
    await waitForHealth(base, 60_000);
  }, 600_000); // builds an image with apt-get first
});
