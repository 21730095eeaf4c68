// What every installed form of AC (tarball, image, image with systemd) must do once started:
// serve its health check, let the first admin log in, render a page with its static files, and
// poll a real (simulated) agent registered through the API. Shared by the release tests.
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
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) return;
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
  if (!response.ok || !body.result) throw new Error(`${procedure}: HTTP ${response.status} ${JSON.stringify(body.error)}`);
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
  const server = (await trpc(base, cookie, "servers.create", { name: agent.name, ip: agent.ip, port: agent.port })) as { id: number };
  await trpc(base, cookie, "servers.pollNow", { serverId: server.id });
  const detail = await fetch(`${base}/servers/${server.id}`, { headers: { cookie } });
  expect(detail.status).toBe(200);
  const apps = await simulator.control.getApps(agent.name);
  const name = [...apps.docker, ...apps.site, ...apps.service][0]!.name;
  expect(await detail.text(), "the polled agent's apps are in the inventory").toContain(name);
}
