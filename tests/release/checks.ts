// What every installed form of AC (tarball, image, image with systemd) must do once started:
// serve its health check, let the first admin log in, render a page with its static files, and
// poll a real (simulated) agent registered through the API. Shared by the release tests.
import http from "node:http";
import { expect } from "vitest";
import { logIn } from "../../tools/bench/web-server";
import type { Simulator } from "../../tools/fagent-sim";

export const ADMIN = { login: "release-admin", password: "release-admin-password-1" };
export const AUTH_SECRET = "release-test-secret-release-test-secret";

/** Resolves once GET /api/health answers 200; fails after `ms` with what `alive` reports. */
export async function waitForHealth(base: string, ms: number, alive: () => string | null = () => null): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead) throw new Error(dead);
    if (
      await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${base}/api/health did not answer 200 within ${ms / 1000} s`);
}

async function trpc(base: string, cookie: string, procedure: string, input: unknown): Promise<unknown> {
  const response = await fetch(`${base}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ json: input }),
  });
  const body = (await response.json()) as { result?: { data: { json: unknown } }; error?: unknown };
  if (!response.ok || !body.result)
    throw new Error(`${procedure}: HTTP ${response.status} ${JSON.stringify(body.error)}`);
  return body.result.data.json;
}

/** Logs in, loads the dashboard and one of its static files, registers and polls an agent. */
export async function checkRunningAc(base: string, simulator: Simulator): Promise<void> {
  const cookie = await logIn(base, ADMIN);

  const page = await fetch(`${base}/servers`, { headers: { cookie }, redirect: "manual" });
  expect(page.status).toBe(200);
  const html = await page.text();
  const asset = html.match(/\/_next\/static\/[^"']+\.(?:js|css)/)?.[0];
  expect(asset, "the page links a static file").toBeTruthy();
  const file = await fetch(`${base}${asset}`);
  expect(file.status).toBe(200);
  expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(0);

  const agent = simulator.agents[0]!;
  const server = (await trpc(base, cookie, "servers.create", { name: agent.name, ip: agent.ip, port: agent.port })) as {
    id: number;
  };
  await trpc(base, cookie, "servers.pollNow", { serverId: server.id });
  const detail = await fetch(`${base}/servers/${server.id}`, { headers: { cookie } });
  expect(detail.status).toBe(200);
  const apps = await simulator.control.getApps(agent.name);
  const name = [...apps.docker, ...apps.site, ...apps.service][0]!.name;
  expect(await detail.text(), "the polled agent's apps are in the inventory").toContain(name);
}

/** One credentials login POSTed from a given loopback source address; next-auth's error, or null with the session cookie. */
async function logInFrom(base: string, localAddress: string, password: string, headers: Record<string, string> = {}) {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const cookie = csrf.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const body = new URLSearchParams({
    csrfToken,
    login: ADMIN.login,
    password,
    callbackUrl: `${base}/`,
    json: "true",
  }).toString();
  const { port } = new URL(base);
  // fetch cannot choose its source address; node:http can (any 127.0.0.0/8 address is this host).
  const response = await new Promise<{ cookies: string[]; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        localAddress,
        method: "POST",
        path: "/api/auth/callback/credentials",
        timeout: 60_000,
        headers: {
          ...headers,
          "content-type": "application/x-www-form-urlencoded",
          cookie,
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ cookies: res.headers["set-cookie"] ?? [], text }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("login request timed out")));
    req.on("error", reject);
    req.end(body);
  });
  const { url } = JSON.parse(response.text) as { url: string };
  const error = new URL(url).searchParams.get("error");
  return { error, session: response.cookies.some((line) => /next-auth\.session-token=/.test(line)) };
}

/**
 * Logins count per client address, and that address is the socket's: guesses from 127.0.0.2, each
 * with another forged X-Forwarded-For (loopback is no trusted proxy), are limited after 5 as one
 * address, while 127.0.0.3 still logs in. A server that cannot see the socket (Next's standalone
 * server.js) counts everyone as one address and refuses 127.0.0.3 too.
 */
export async function checkLoginLimitPerAddress(base: string): Promise<void> {
  const outcomes: (string | null)[] = [];
  for (let i = 1; i <= 6; i++) {
    const forged = `198.51.100.${i}`;
    outcomes.push(
      (await logInFrom(base, "127.0.0.2", `wrong-password-${i}`, { "x-forwarded-for": forged, "x-real-ip": forged }))
        .error,
    );
  }
  expect(outcomes.slice(0, 5)).toEqual(Array(5).fill("CredentialsSignin"));
  expect(outcomes[5]).toMatch(/^Too many failed attempts/);
  expect(
    (await logInFrom(base, "127.0.0.2", ADMIN.password)).error,
    "limited means not checked, even the right password",
  ).toMatch(/^Too many/);
  expect(await logInFrom(base, "127.0.0.3", ADMIN.password), "another address is not limited").toEqual({
    error: null,
    session: true,
  });
}
