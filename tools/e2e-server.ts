// The AC that the browser tests run against: a fresh embedded database in a temp folder
// (deleted at exit), a small simulated fleet whose control API the tests drive, one user per
// role, and a short polling interval. Started by playwright.config.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./db/embedded";
import { e2eMetricsToken, e2eSsoUsers, e2eUsers } from "../tests/e2e/users";
import { startArtifactFixtures } from "./artifact-fixtures";
import { demoUpdateEnv } from "./demo-fleet";
import { launchAc } from "./launch";
import { startOidcProvider } from "./sso-lab/oidc-provider";

export const E2E_SIM_CONTROL_PORT = 3199;
export const E2E_SIM_AGENT_PORT = 3198;
/** Artifact version lists for the update tests (tools/artifact-fixtures), any group name. */
export const E2E_ARTIFACTS_PORT = 3197;

const portArg = process.argv.indexOf("--port");
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 3100;

const parent = fs.mkdtempSync(path.join(os.tmpdir(), "ac-e2e-"));
fs.chmodSync(parent, 0o755); // as root, PostgreSQL runs as `postgres` and must enter it
process.on("exit", () => fs.rmSync(parent, { recursive: true, force: true }));
delete process.env.DATABASE_URL;

await startArtifactFixtures({ port: E2E_ARTIFACTS_PORT, fallback: ["1.0.0", "2.0.0-rc.1", "2.0.0", "2.1.0"] });

// A real OpenID Provider on a free port for tests/e2e/sso-oidc.spec.ts; the browser reaches AC
// as 127.0.0.1, so next-auth's callback URL must say so too (its state cookies are per host).
process.env.NEXTAUTH_URL = `http://127.0.0.1:${port}`;
const idp = await startOidcProvider({
  redirectUris: [`http://127.0.0.1:${port}/api/auth/callback/oidc`],
  accounts: Object.fromEntries(
    Object.values(e2eSsoUsers).map((u) => [u.login, { password: u.password, groups: [...u.groups] }]),
  ),
});

await launchAc({
  port,
  embedded: { dataDir: path.join(parent, "postgres"), port: await freePort() },
  fleet: { servers: 6, appsPerServer: 5, port: E2E_SIM_AGENT_PORT, controlPort: E2E_SIM_CONTROL_PORT },
  env: {
    POLLING_INTERVAL: "5",
    AC_ADMIN_USER: "",
    AC_ADMIN_PASSWORD: "",
    // As in `npm start`'s demo: ansible/simulator-update.yml, the default playbook, "installs"
    // through the simulator's control API (tests/e2e/demo-update.spec.ts); short waits.
    ...demoUpdateEnv(`http://127.0.0.1:${E2E_SIM_CONTROL_PORT}`),
    TASK_DRAIN_DELAY: "1",
    TASK_WAIT_AFTER_UPDATE: "1",
    AC_METRICS_TOKEN: e2eMetricsToken,
    AC_OIDC_ISSUER: idp.issuer,
    AC_OIDC_CLIENT_ID: idp.clientId,
    AC_OIDC_CLIENT_SECRET: idp.clientSecret,
    AC_OIDC_NAME: "Test SSO",
    AC_SSO_ROLE_MAP: "ops-admins=admin,ops=operator,everyone=viewer",
  },
  async prepare() {
    const { createUser } = await import("../server/users/users");
    for (const [role, user] of Object.entries(e2eUsers)) {
      await createUser({ login: user.login, password: user.password, role: role as keyof typeof e2eUsers });
    }
    // A real HAProxy "lb1" behind srv-0001 (tests/e2e/haproxy.spec.ts); stopped when this process exits.
    await (
      await import("./haproxy-lab/demo")
    ).attachDemoHaproxy(`http://127.0.0.1:${E2E_SIM_CONTROL_PORT}`, { simulated: false });
  },
});
