// The production server for the page benchmarks: `next start` on a free loopback port against a
// given database (scheduler off, no first admin), and a logged-in session cookie for it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../db/embedded";

const root = path.resolve(import.meta.dirname, "../..");

export type WebServer = { base: string; child: ChildProcess };

/** Starts `next start` (after `npx next build`); resolves once /api/health answers. */
export async function startWebServer(databaseUrl: string, options: { nodeArgs?: string[] } = {}): Promise<WebServer> {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID")))
    throw new Error("no production build: run `npx next build` first");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      path.join(root, "node_modules/next/dist/bin/next"),
      "start",
      "-p",
      String(port),
      "-H",
      "127.0.0.1",
    ],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: databaseUrl,
        AUTH_SECRET: "bench-secret-bench-secret-bench-secret",
        NEXTAUTH_URL: base,
        SCHEDULER_ENABLED: "false",
        AC_ADMIN_USER: "",
        AC_ADMIN_PASSWORD: "",
      },
    },
  );
  for (const stream of [child.stdout!, child.stderr!])
    stream.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (code ${child.exitCode}):\n${output.join("")}`);
    if (
      await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { base, child };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill("SIGKILL");
  throw new Error(`next start did not answer /api/health within 60 s:\n${output.join("")}`);
}

/** Logs in through next-auth's credentials flow, as the login form does; returns the Cookie header. */
export async function logIn(base: string, user: { login: string; password: string }): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${base}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({
      csrfToken,
      login: user.login,
      password: user.password,
      callbackUrl: `${base}/`,
      json: "true",
    }),
  });
  keep(response);
  if (![...jar.keys()].some((k) => k.endsWith("next-auth.session-token")))
    throw new Error(`logging in gave no session cookie (HTTP ${response.status})`);
  return cookie();
}
