// `npm start`: AC on http://localhost:3000 (PORT), with an embedded PostgreSQL when no
// DATABASE_URL is given, and then also a living simulated fleet for a first look.
import { config } from "../server/config";
import { redactUrlCredentials } from "../server/security/redact-url";
import { demoUpdateEnv } from "./demo-fleet";
import { launchAc } from "./launch";

try {
  const settings = config();
  const demo = settings.AC_DEMO_FLEET === "true" || (settings.AC_DEMO_FLEET === "auto" && !settings.DATABASE_URL);
  const controlUrl = "http://127.0.0.1:19099";
  const eurekaPort = 19098;
  await launchAc({
    port: settings.PORT,
    fleet: demo
      ? { servers: 36, appsPerServer: 8, port: 19100, controlPort: 19099, churnEverySec: 20, demo, eurekaPort }
      : null,
    // The demo fleet updates with no setting: the simulator's playbook is the default, and it gets the control address;
    // its Eureka is the one AC may call (docs/update-tasks.md, "Eureka").
    env: demo
      ? {
          ...demoUpdateEnv(controlUrl),
          AC_EUREKA_URLS: process.env.AC_EUREKA_URLS ?? `http://127.0.0.1:${eurekaPort}/eureka`,
        }
      : undefined,
    // The demo's HAProxy: a real one when the package is installed, and a simulated one.
    prepare: demo ? async () => void (await import("./haproxy-lab/demo")).attachDemoHaproxy(controlUrl) : undefined,
  });
} catch (error) {
  // Printed by hand rather than by Node, whose dump of an error's fields could show a password in a URL.
  console.error(
    `[ac] AC could not start: ${redactUrlCredentials(error instanceof Error ? (error.stack ?? error.message) : String(error))}`,
  );
  process.exit(1);
}
