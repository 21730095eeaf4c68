// `npm start`: AC on http://localhost:3000 (PORT), with an embedded PostgreSQL when no
// DATABASE_URL is given, and then also a living simulated fleet for a first look.
import { config } from "../server/config";
import { launchAc } from "./launch";

const settings = config();
const demo = settings.AC_DEMO_FLEET === "true" || (settings.AC_DEMO_FLEET === "auto" && !settings.DATABASE_URL);

await launchAc({
  port: settings.PORT,
  fleet: demo ? { servers: 36, appsPerServer: 8, port: 19100, controlPort: 19099, churnEverySec: 20 } : null,
  // The demo's HAProxy: a real one when the package is installed, and a simulated one.
  prepare: demo ? async () => void (await import("./haproxy-lab/demo")).attachDemoHaproxy("http://127.0.0.1:19099") : undefined,
});
