// `npm start`: AC on http://localhost:3000 (PORT), with an embedded PostgreSQL when no
// DATABASE_URL is given, and then also a living simulated fleet for a first look.
import { config, ConfigError } from "../server/config";
import { redactUrlCredentials } from "../server/security/redact-url";
import { demoUpdateEnv } from "./demo-fleet";
import { DemoSettingsError, demoPorts } from "./demo-settings";
import { launchAc } from "./launch";

try {
  const settings = config();
  const demo = settings.AC_DEMO_FLEET === "true" || (settings.AC_DEMO_FLEET === "auto" && !settings.DATABASE_URL);
  // AC_DEMO_PORT_BASE moves the simulator's ports, so that a second demo can run beside this one.
  const ports = demo ? demoPorts() : null;
  const controlUrl = `http://127.0.0.1:${ports?.control}`;
  await launchAc({
    port: settings.PORT,
    fleet: ports && {
      servers: 36,
      appsPerServer: 8,
      churnEverySec: 20,
      demo,
      port: ports.agents,
      controlPort: ports.control,
      eurekaPort: ports.eureka,
    },
    // The demo fleet updates with no setting: the simulator's playbook is the default, and it gets the control address;
    // its Eureka is the one AC may call (docs/update-tasks.md, "Eureka").
    env: ports
      ? {
          ...demoUpdateEnv(controlUrl),
          AC_EUREKA_URLS: process.env.AC_EUREKA_URLS ?? `http://127.0.0.1:${ports.eureka}/eureka`,
        }
      : undefined,
    // The demo's HAProxy: a real one when the package is installed, and a simulated one.
    prepare: demo ? async () => void (await import("./haproxy-lab/demo")).attachDemoHaproxy(controlUrl) : undefined,
  });
} catch (error) {
  // Printed by hand rather than by Node, whose dump of an error's fields could show a password in a URL.
  // A bad setting's message names the variable; its stack would only bury that.
  const setting = error instanceof ConfigError || error instanceof DemoSettingsError;
  const text = error instanceof Error ? (setting ? error.message : (error.stack ?? error.message)) : String(error);
  console.error(`[ac] AC could not start: ${redactUrlCredentials(text)}`);
  process.exit(1);
}
