// Brings up a complete AC: a migrated database (embedded unless DATABASE_URL), optionally a
// simulated agent fleet registered as servers, and the production Next.js server. Shared by
// `npm start` (tools/start.ts) and the browser tests (tools/e2e-server.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { reloadConfig } from "../server/config";
import { ensureDatabase, type EnsuredDatabase } from "./db/ensure";
import { resumeRecordedVersions, settleDemoStatuses } from "./demo-fleet";
import { generateFleet, startSimulator, type Simulator } from "./fagent-sim";

export type LaunchOptions = {
  port: number;
  /** Embedded database folder (default .data/postgres) and port. */
  embedded?: { dataDir?: string; port?: number };
  fleet?: {
    servers: number;
    appsPerServer: number;
    port: number;
    controlPort: number;
    churnEverySec?: number;
    /** The demo: versions as in a real fleet, changed only by updates, resumed after a restart (tools/demo-fleet.ts). */
    demo?: boolean;
    /** A simulated Eureka on this port, which the fleet's registered docker apps report (tools/fagent-sim/eureka.ts). */
    eurekaPort?: number;
  } | null;
  /** Extra environment for the Next.js server (e.g. a short POLLING_INTERVAL in tests). */
  env?: Record<string, string>;
  /** Runs against the database before the web server starts (e2e users, say). */
  prepare?: () => Promise<void>;
};

const log = (line: string) => console.log(`[ac] ${line}`);

/** The secret that signs session cookies: AUTH_SECRET, else one generated once and kept in .data. */
function authSecret(): string {
  const configured = reloadConfig().AUTH_SECRET;
  if (configured) return configured;
  const file = path.join(process.cwd(), ".data", "auth-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

async function registerFleet(simulator: Simulator) {
  const { db } = await import("../server/db");
  for (const agent of simulator.agents) {
    await db().server.upsert({
      where: { name: agent.name },
      create: { name: agent.name, ip: agent.ip, port: agent.port },
      update: { ip: agent.ip, port: agent.port },
    });
  }
  log(`registered ${simulator.agents.length} simulated agents as servers`);
}

export async function launchAc(options: LaunchOptions): Promise<{ stop(): Promise<void> }> {
  const database: EnsuredDatabase = await ensureDatabase({
    embeddedDataDir: options.embedded?.dataDir,
    embeddedPort: options.embedded?.port ?? reloadConfig().EMBEDDED_PG_PORT,
  });
  process.env.DATABASE_URL = database.url;
  reloadConfig();
  let simulator: Simulator | null = null;
  let web: ChildProcess | null = null;

  // The web server goes first (its scheduler may be mid-poll), then the fleet, then the database.
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= stopAll());
  const stopAll = async () => {
    if (web && web.exitCode === null) {
      const exited = new Promise((resolve) => web!.once("exit", resolve));
      web.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    await simulator?.stop();
    await database.stop();
  };
  try {
    if (options.fleet) {
      const { servers, appsPerServer, port, controlPort, churnEverySec, demo, eurekaPort } = options.fleet;
      const scenario = generateFleet({
        servers,
        appsPerServer,
        seed: 7,
        port,
        versions: demo ? "per-group" : undefined,
        eurekaUrl: eurekaPort ? `http://127.0.0.1:${eurekaPort}/eureka/` : undefined,
      });
      if (demo) {
        settleDemoStatuses(scenario);
        const moved = await resumeRecordedVersions(scenario);
        if (moved) log(`simulated fleet: ${moved} apps resume the version AC last recorded`);
      }
      // The demo's churn: one app restarts every tick and is back 4 ticks later, never long enough for an alert rule's `for`.
      const churn = demo
        ? { churnEverySec, churnApps: 1, churnVersions: false, churnBlipTicks: 4 }
        : { churnEverySec, churnVersions: true };
      simulator = await startSimulator({ scenario, controlPort, eurekaPort, ...churn });
      log(`simulated fleet: ${servers} agents × ${appsPerServer} apps, control API ${simulator.controlUrl}`);
      await registerFleet(simulator);
    }
    await options.prepare?.();
    const { closeDb } = await import("../server/db");
    await closeDb(); // the web server has its own connections

    // Not `next start`: AC's own server tells the app the client's real address (tools/web-server.ts).
    web = spawn(
      process.execPath,
      ["--import", "tsx", path.join("tools", "web-server.ts"), "--port", String(options.port)],
      {
        stdio: "inherit",
        env: {
          ...process.env,
          ...options.env,
          DATABASE_URL: database.url,
          AUTH_SECRET: authSecret(),
          // next-auth's base URL for redirects; the public one when AC runs behind a proxy.
          NEXTAUTH_URL: reloadConfig().AC_PUBLIC_URL ?? process.env.NEXTAUTH_URL ?? `http://localhost:${options.port}`,
          NODE_ENV: "production",
        },
      },
    );
    web.on("exit", (code, signal) => {
      log(`web server exited (${signal ?? `code ${code}`})`);
      void stop().finally(() => process.exit(code ?? 0));
    });
    log(`AC is starting on http://localhost:${options.port}`);
  } catch (error) {
    await stop();
    throw error;
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void stop().finally(() => process.exit(0)));
  return { stop };
}
