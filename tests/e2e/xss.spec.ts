// Hostile text in every string an agent or a user can put in front of another user
// (docs/security.md): instance names, versions, images, paths, group and catalog descriptions,
// HAProxy backend and server names and an agent's error message, event text, a task's log, a
// user's display name, an API token's name, a HAProxy socket path, and reflected query parameters.
// Every page is then visited: no dialog may open, no element the payloads would create may exist,
// no link may point to javascript:, and the payloads must show as plain text.
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { simulatorClient } from "../../tools/fagent-sim/client";
import { storageState } from "./users";

// tools/e2e-server.ts's simulator control API and artifact lists; importing it would start a server.
const simulator = simulatorClient("http://127.0.0.1:3199");
const ARTIFACTS = "http://127.0.0.1:3197";

const IMG = `<img src=x onerror=alert(1)>`;
const SCRIPT = `"><script>alert(1)</script>`;
const SVG = `'><svg onload=alert(2)>`;
const JS = "javascript:alert(1)";
const AGENT = "xss-agent";
const LB = "xsslb";

// Instance names become group and catalog names ("<group>_<n>"), inventory host names and event text.
const DOCKER = `xd${IMG}_1`;
const SITE = `xs${SCRIPT}_1`;
const SERVICE = `xv${SVG}_1`;
const BACKEND = `be${IMG}`;
const HAPROXY_SERVER = `hs${SCRIPT}`;
const TOKEN = `tok${SVG}`;
const DISPLAY_NAME = `Eve${SCRIPT}`;

async function trpc<T>(
  request: APIRequestContext,
  procedure: string,
  input: unknown,
  mutation = false,
  token?: string,
): Promise<T> {
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  const response = mutation
    ? await request.post(`/api/trpc/${procedure}`, { data: { json: input }, headers })
    : await request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
        headers,
      });
  const body = (await response.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!response.ok()) throw new Error(`${procedure}: HTTP ${response.status()} ${body.error?.json.message ?? ""}`);
  return body.result!.data.json;
}

/** Opens `url` and checks the page: no script ran, nothing the payloads would create exists. */
async function visit(page: Page, dialogs: string[], url: string, shows: string[] = []) {
  await page.goto(url);
  await page.waitForLoadState("networkidle");
  for (const text of shows) await expect(page.locator("body"), `${url} shows ${text}`).toContainText(text);
  // Next's own inline scripts carry the payloads as JSON strings; an injected one would be exactly "alert(1)".
  const injected = await page
    .locator('img[src="x"], svg[onload], script')
    .evaluateAll((nodes) =>
      nodes.filter((n) => n.tagName !== "SCRIPT" || n.textContent?.trim() === "alert(1)").map((n) => n.outerHTML),
    );
  expect(injected, `elements injected on ${url}`).toEqual([]);
  const jsLinks = await page
    .locator("a[href]")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href")!).filter((h) => /^\s*javascript:/i.test(h)));
  expect(jsLinks, `javascript: links on ${url}`).toEqual([]);
  expect(dialogs, `dialogs opened on ${url}`).toEqual([]);
}

test.describe("hostile text from agents and users", () => {
  test.use({ storageState: storageState("admin") });

  test("renders as text on every page, and no script runs", async ({ page, browser, baseURL }) => {
    test.setTimeout(240_000);
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    const admin = page.request;

    // An agent whose every text field is hostile, with a simulated HAProxy.
    const agent = await simulator.addAgent({
      name: AGENT,
      apps: {
        docker: [
          {
            container_name: DOCKER,
            version: SCRIPT,
            image: `registry/${IMG}:1`,
            tag: SVG,
            compose_project_dir: JS,
            eureka_url: JS,
            container_id: IMG,
            ip: "127.0.0.1",
            port: 8080,
            status: "running",
          },
        ],
        site: [{ name: SITE, path: JS, log_path: IMG, distr_path: SCRIPT, version: "1.0.0", status: "active" }],
        service: [{ name: SERVICE, path: SVG, version: IMG, status: SCRIPT }],
      },
      haproxy: [
        {
          name: LB,
          backends: [
            {
              name: BACKEND,
              servers: [
                {
                  name: HAPROXY_SERVER,
                  address: "127.0.0.1:1",
                  status: "UP",
                  weight: 1,
                  current_sessions: 0,
                  max_sessions: null,
                },
              ],
            },
          ],
        },
      ],
    });
    const server = await trpc<{ id: number }>(
      admin,
      "servers.create",
      { name: "xss-server", ip: agent.ip, port: agent.port, isHaproxyNode: true },
      true,
    );
    await trpc(admin, "servers.pollNow", { serverId: server.id }, true);

    // Events: a stop, an update (a hostile version), and an entry the contract rejects (its name in the server's error).
    await simulator.setApp(AGENT, "docker", DOCKER, { status: "exited", version: IMG });
    await trpc(admin, "servers.pollNow", { serverId: server.id }, true);
    await simulator.setApp(AGENT, "docker", DOCKER, { status: "running" });
    await trpc(admin, "servers.pollNow", { serverId: server.id }, true);
    await simulator.fault(AGENT, { fault: "badEntry" });
    await trpc(admin, "servers.pollNow", { serverId: server.id }, true);
    await simulator.fault(AGENT, { fault: "clear" });

    type Row = { id: number; instanceName: string; group: { id: number; name: string } | null };
    const detail = await trpc<{ byType: { instances: Row[] }[] }>(admin, "servers.get", { id: server.id });
    const instances = detail.byType.flatMap((t) => t.instances);
    expect(instances.map((i) => i.instanceName).sort()).toEqual([DOCKER, SERVICE, SITE].sort());
    const byName = (name: string) => instances.find((i) => i.instanceName === name)!;

    // Descriptions users write, on a group and its catalog entry; the site group gets an update task.
    const dockerGroup = byName(DOCKER).group!;
    const group = await trpc<{ catalog: { id: number } | null }>(admin, "groups.get", { id: dockerGroup.id });
    await trpc(admin, "groups.updateSettings", { id: dockerGroup.id, description: `group ${IMG}` }, true);
    await trpc(admin, "catalog.updateSettings", { id: group.catalog!.id, description: `catalog ${SCRIPT}` }, true);
    const siteGroup = byName(SITE).group!;
    await trpc(
      admin,
      "groups.updateSettings",
      {
        id: siteGroup.id,
        updatePlaybookPath: path.resolve("ansible/simulator-update.yml"),
        artifactListUrl: `${ARTIFACTS}/json/${encodeURIComponent(siteGroup.name)}.json`,
      },
      true,
    );
    const task = await trpc<{ id: string }>(
      admin,
      "tasks.start",
      {
        groupId: siteGroup.id,
        targetVersion: "2.1.0",
        orchestrateHaproxy: false,
        drainDelaySec: 0,
        waitAfterUpdateSec: 0,
        confirmTimeoutSec: 20,
      },
      true,
    );

    // HAProxy: an instance with a hostile socket path, synced; a refused command by a hostile token name.
    const lb = await trpc<{ id: number }>(
      admin,
      "haproxy.createInstance",
      { name: LB, serverId: server.id, socketPath: SCRIPT },
      true,
    );
    await trpc(admin, "haproxy.syncNow", { instanceId: lb.id }, true);
    type HaServer = { id: number; serverName: string };
    let haServer: HaServer | undefined;
    await expect(async () => {
      const view = await trpc<{ items: { servers: HaServer[] }[] }>(admin, "haproxy.view", { instanceId: lb.id });
      haServer = view.items.flatMap((b) => b.servers).find((s) => s.serverName === HAPROXY_SERVER);
      expect(haServer).toBeDefined();
    }).toPass({ timeout: 30_000 });
    const { secret } = await trpc<{ secret: string }>(admin, "apiTokens.create", { name: TOKEN, role: "viewer" }, true);
    const refused = await admin.post("/api/trpc/haproxy.command", {
      data: { json: { haproxyServerId: haServer!.id, command: "drain" } },
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(refused.status()).toBe(403);
    // The agent's own error message, stored as the instance's last sync error (kept failing until the end).
    await simulator.haproxyFault(AGENT, LB, { fault: "refuse", message: `lb says ${IMG}` });
    await trpc(admin, "haproxy.syncNow", { instanceId: lb.id }, true);
    await expect(async () => {
      const list = await trpc<{ id: number; lastSyncError: string | null }[]>(admin, "haproxy.instances", {});
      expect(list.find((i) => i.id === lb.id)?.lastSyncError ?? "").toContain(IMG);
    }).toPass({ timeout: 30_000 });

    // A user with a hostile display name, who logs in (it shows in their header) and is listed.
    await trpc(
      admin,
      "users.create",
      { login: "xss-user", password: "xss-password-1", role: "viewer", displayName: DISPLAY_NAME },
      true,
    );

    await expect(async () => {
      const t = await trpc<{ status: string }>(admin, "tasks.get", { id: task.id });
      expect(["succeeded", "failed", "cancelled"]).toContain(t.status);
    }).toPass({ timeout: 90_000 });

    const q = (p: string) => encodeURIComponent(p);
    const pages: [string, string[]][] = [
      ["/", []],
      ["/servers", []],
      [`/servers/${server.id}`, [DOCKER, SITE, SERVICE, `registry/${IMG}:1`]],
      ["/applications?q=xd", [DOCKER, `registry/${IMG}:1`]],
      ["/applications?q=xs", [SITE, JS]],
      ["/applications?q=xv", [SERVICE, SVG]],
      [`/applications?q=${q(IMG)}`, []],
      ...[DOCKER, SITE, SERVICE].map((n): [string, string[]] => [`/applications/${byName(n).id}`, [n]]),
      [`/applications/${byName(DOCKER).id}`, [JS, IMG, SVG]],
      [`/applications/${byName(SITE).id}`, [JS, IMG, SCRIPT]],
      ["/groups", [dockerGroup.name, siteGroup.name]],
      [`/groups?q=${q(SCRIPT)}`, []],
      [`/groups/${dockerGroup.id}`, [`group ${IMG}`]],
      [`/groups/${siteGroup.id}`, [SITE]],
      ["/events", [DOCKER]],
      [`/events?server=${q(SCRIPT)}`, []],
      ["/haproxy", [LB]],
      [`/haproxy?instance=${lb.id}&q=hs`, [BACKEND, HAPROXY_SERVER]],
      [`/haproxy?q=${q(SCRIPT)}`, []],
      ["/haproxy/instances", [`lb says ${IMG}`]],
      ["/haproxy/actions", [`token:${TOKEN}`, HAPROXY_SERVER]],
      [`/haproxy/servers/${haServer!.id}`, [BACKEND, HAPROXY_SERVER]],
      ["/tasks", [siteGroup.name]],
      [`/tasks/${task.id}`, [SITE]],
      ["/admin/users", [DISPLAY_NAME]],
      ["/admin/tokens", [TOKEN]],
      ["/audit", [`token:${TOKEN}`, HAPROXY_SERVER, DISPLAY_NAME]],
      [`/servers/999999999?x=${q(SCRIPT)}`, []],
    ];
    for (const [url, shows] of pages) await visit(page, dialogs, url, shows);

    // The hostile display name in the user's own header, and a javascript: callback after login.
    const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const userPage = await context.newPage();
    userPage.on("dialog", (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await userPage.goto(`/login?callbackUrl=${q(JS)}`);
    await userPage.getByLabel("Login").fill("xss-user");
    await userPage.getByLabel("Password").fill("xss-password-1");
    await userPage.getByRole("button", { name: "Log in" }).click();
    await expect(userPage.getByTestId("role")).toHaveText("viewer");
    await visit(userPage, dialogs, "/", [DISPLAY_NAME]);
    await context.close();
  });
});
