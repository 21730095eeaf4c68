// The inventory in the browser: finding a server and an application, a version change
// made by the simulator showing after a poll, a filtered list shared by its URL, group settings
// flowing to an instance's effective settings, and what a viewer may not do. The fleet is
// tools/e2e-server.ts's: srv-0001…srv-0006 with 5 apps each, polled every 5 s.
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { appName } from "../../tools/fagent-sim/apps";
import { simulatorClient } from "../../tools/fagent-sim/client";
import type { AppKind, WireApp } from "../../server/agent/contract";
import { e2eUsers, storageState } from "./users";

// tools/e2e-server.ts's E2E_SIM_CONTROL_PORT; importing that module would start a server.
const simulator = simulatorClient("http://127.0.0.1:3199");
const FLEET_APPS = 6 * 5;

const trpcGet = async <T>(request: APIRequestContext, procedure: string, input: unknown): Promise<T> => {
  const response = await request.get(
    `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
};

/** Resolves once the scheduler's first polls have stored every simulated app. */
async function fleetPolled(request: APIRequestContext) {
  await expect(async () => {
    const list = await trpcGet<{ total: number }>(request, "applications.list", { limit: 1 });
    expect(list.total).toBeGreaterThanOrEqual(FLEET_APPS);
  }).toPass({ timeout: 30_000 });
}

/** The instances a list shows, in order (their links; relative times would differ between two looks). */
const listed = (page: Page) =>
  page
    .getByTestId("instance-row")
    .locator('a[href^="/applications/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute("href")));

/** A version no generated app has (they are 1–3.x.y), different on every run of the suite. */
const freshVersion = () => `7.${Date.now() % 100_000}.${Math.floor(Math.random() * 1000)}`;

/** The simulator's patch that makes an app report `version`, the way a real update would. */
function versionPatch(kind: AppKind, app: WireApp, version: string): Record<string, unknown> {
  if (kind !== "docker") return { version };
  const image = typeof app.image === "string" ? app.image.replace(/:[^:/]*$/, `:${version}`) : undefined;
  return { version, tag: version, ...(image ? { image } : {}) };
}

test.describe("as an operator", () => {
  test.use({ storageState: storageState("operator") });

  test("logs in, finds a server, opens an application and sees a version change after a poll", async ({ browser }) => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await page.goto("/servers");
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("Login").fill(e2eUsers.operator.login);
    await page.getByLabel("Password").fill(e2eUsers.operator.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("role")).toHaveText("operator");
    await expect(page.getByRole("heading", { name: "Servers" })).toBeVisible();

    // Find the server by searching for it.
    const search = page.getByRole("search", { name: "Filter servers" });
    await search.getByLabel("Name or IP").fill("srv-0002");
    await search.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/[?&]q=srv-0002/);
    await expect(page.getByTestId("server-row")).toHaveCount(1);
    await page.getByTestId("server-row").getByRole("link", { name: "srv-0002" }).click();
    await expect(page.getByRole("heading", { name: "srv-0002" })).toBeVisible();

    // The app the simulator will update: the agent's first, as the agent names it.
    const apps = await simulator.getApps("srv-0002");
    const kind = (["docker", "site", "service"] as const).find((k) => apps[k].length > 0)!;
    const app = apps[kind][0] as WireApp;
    const name = appName(kind, app);
    const oldVersion = String(app.version ?? app.tag);

    const pollNow = page.getByTestId("poll-now");
    const row = page.getByTestId("instance-row").filter({ has: page.getByRole("link", { name, exact: true }) });
    await pollNow.getByRole("button", { name: "Poll now" }).click();
    await expect(pollNow.getByTestId("poll-outcome")).toContainText(/Updated|No change/);
    await expect(row.getByTestId("instance-version")).toHaveText(oldVersion);

    await row.getByRole("link", { name, exact: true }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    await expect(page.getByTestId("instance-version")).toHaveText(oldVersion);
    const instanceUrl = page.url();

    // The agent now reports another version; a poll brings it in.
    const newVersion = freshVersion();
    await simulator.setApp("srv-0002", kind, name, versionPatch(kind, app, newVersion));
    await page.getByRole("link", { name: "srv-0002" }).first().click();
    await expect(page.getByRole("heading", { name: "srv-0002" })).toBeVisible();
    // A poll already under way (the schedule's) is joined and may have read the agent before
    // the change; then the next "Poll now" reads it.
    await expect(async () => {
      await pollNow.getByRole("button", { name: "Poll now" }).click();
      await expect(row.getByTestId("instance-version")).toHaveText(newVersion, { timeout: 5_000 });
    }).toPass({ timeout: 45_000 });

    await page.goto(instanceUrl);
    await expect(page.getByTestId("instance-version")).toHaveText(newVersion);
    const change = page.getByTestId("version-change").first();
    await expect(change).toContainText(`${oldVersion} → ${newVersion}`);
    await expect(change).toContainText("polling by agent");
    await context.close();
  });

  test("filters the applications list, and the URL shows the same view to someone else", async ({ page, browser }) => {
    await fleetPolled(page.request);
    // A search term several docker apps share: the base name most of them have.
    const agents = await simulator.listAgents();
    const bases = (await Promise.all(agents.map((a) => simulator.getApps(a.name))))
      .flatMap((apps) => apps.docker.map((app) => appName("docker", app).replace(/_\d+$/, "")))
      .filter((base) => /^[a-z-]+$/.test(base));
    const counts = new Map<string, number>();
    for (const base of bases) counts.set(base, (counts.get(base) ?? 0) + 1);
    const [q] = [...counts].sort((a, b) => b[1] - a[1])[0]!;

    await page.goto("/applications");
    await expect(page.getByTestId("instance-row").first()).toBeVisible();
    const search = page.getByRole("search", { name: "Filter applications" });
    await search.getByLabel("Search").fill(q);
    await search.getByLabel("Type").selectOption("docker");
    await search.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/[?&]appType=docker/);
    await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(q)}`));
    // Sorting keeps the filters.
    await page.getByRole("link", { name: "Server", exact: true }).click();
    await expect(page).toHaveURL(/[?&]sort=server/);
    await expect(page).toHaveURL(/[?&]appType=docker/);

    const rows = page.getByTestId("instance-row");
    await expect(rows.first()).toBeVisible();
    const shown = await rows.count();
    expect(shown).toBeGreaterThan(0);
    for (let i = 0; i < shown; i++) {
      await expect(rows.nth(i)).toContainText("docker");
      await expect(rows.nth(i)).toContainText(q, { ignoreCase: true });
    }
    const view = await listed(page);
    const sharedUrl = page.url();

    // A colleague (a viewer) opens the link.
    const other = await browser.newContext({ storageState: storageState("viewer") });
    const colleague = await other.newPage();
    await colleague.goto(sharedUrl);
    await expect(colleague.getByTestId("role")).toHaveText("viewer");
    await expect(colleague.getByTestId("instance-row")).toHaveCount(shown);
    expect(await listed(colleague)).toEqual(view);
    const form = colleague.getByRole("search", { name: "Filter applications" });
    await expect(form.getByLabel("Search")).toHaveValue(q);
    await expect(form.getByLabel("Type")).toHaveValue("docker");
    await expect(colleague.getByRole("columnheader", { name: /Server/ })).toHaveAttribute("aria-sort", "ascending");
    await other.close();
  });
});

test.describe("as an admin", () => {
  test.use({ storageState: storageState("admin") });

  test("sets a group's playbook path and an instance of the group shows it as its effective value, from the group", async ({
    page,
  }) => {
    await fleetPolled(page.request);
    await page.goto("/groups");
    await expect(page.getByTestId("groups-help")).toContainText("version drift");
    // The e2e fleet's versions are random per instance, so some group drifts; its badge says what that means.
    await page.getByLabel("Only groups with version drift").check();
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByTestId("drift-badge").first()).toContainText(/different versions, as when an update/);
    await page.goto("/groups");
    await page.getByTestId("group-row").first().getByRole("link").first().click();
    await expect(page).toHaveURL(/\/groups\/\d+$/);
    const groupUrl = page.url();
    const form = page.getByTestId("group-settings-form");
    const before = await page.getByTestId("effective-playbook-path").textContent();

    const playbook = path.resolve("ansible", `e2e-${Date.now()}.yml`); // inside PLAYBOOK_DIRS (its default)
    await form.getByLabel("Update playbook path").fill(playbook);
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form).toContainText("Saved.");
    await expect(page.getByTestId("effective-playbook-path")).toHaveText(playbook);

    await page.getByTestId("instance-row").first().getByRole("link").nth(1).click();
    await expect(page).toHaveURL(/\/applications\/\d+$/);
    const instanceUrl = page.url();
    const effective = page.locator("dd", { has: page.getByTestId("effective-playbook-path") });
    await expect(page.getByTestId("effective-playbook-path")).toHaveText(playbook);
    await expect(effective).toContainText("from group");

    // Clearing it gives the instance the value from further down the chain again.
    await page.goto(groupUrl);
    await form.getByLabel("Update playbook path").fill("");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("effective-playbook-path")).toHaveText(before!);
    await page.goto(instanceUrl);
    await expect(page.getByTestId("effective-playbook-path")).toHaveText(before!);
    await expect(effective).not.toContainText("from group");
  });

  test("a playbook path that is not an absolute .yml path inside the playbook directories is refused with the reason", async ({
    page,
  }) => {
    await fleetPolled(page.request);
    await page.goto("/groups");
    await expect(page.getByTestId("groups-help")).toContainText("version drift");
    // The e2e fleet's versions are random per instance, so some group drifts; its badge says what that means.
    await page.getByLabel("Only groups with version drift").check();
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByTestId("drift-badge").first()).toContainText(/different versions, as when an update/);
    await page.goto("/groups");
    await page.getByTestId("group-row").first().getByRole("link").first().click();
    const form = page.getByTestId("group-settings-form");
    await form.getByLabel("Update playbook path").fill("update.sh");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form).toContainText("must be an absolute path to a .yml or .yaml playbook");
    await expect(form).not.toContainText("Saved.");
    // Outside the playbook directories: refused, naming them (docs/update-tasks.md, "Playbook directories").
    await form.getByLabel("Update playbook path").fill("/etc/ansible/update-app.yml");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form).toContainText(
      `must be inside a playbook directory of this AC (PLAYBOOK_DIRS: ${path.resolve("ansible")})`,
    );
    await expect(form).not.toContainText("Saved.");
  });

  test("sets a group's Eureka app name: refused unless it could be a Spring service id, shown upper-cased, cleared", async ({
    page,
  }) => {
    await fleetPolled(page.request);
    await page.goto("/groups");
    await page.getByTestId("group-row").first().getByRole("link").first().click();
    const form = page.getByTestId("group-settings-form");
    const name = form.getByLabel("Eureka app name");
    await name.fill("shop service");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form).toContainText("Latin letters, digits, '-', '_' and '.' only");
    await expect(form).not.toContainText("Saved.");
    await name.fill("shop-service.v2");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form).toContainText("Saved.");
    await expect(page.getByText("SHOP-SERVICE.V2", { exact: true })).toBeVisible();
    // Cleared: the group's name applies again (docs/update-tasks.md, "Eureka").
    await name.fill("");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("(the group's name)")).toBeVisible();
    await expect(page.getByText("SHOP-SERVICE.V2", { exact: true })).toHaveCount(0);
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageState("viewer") });

  async function openFirst(page: Page, list: string, rowTestId: string) {
    await page.goto(list);
    await page.getByTestId(rowTestId).first().getByRole("link").first().click();
    await expect(page).toHaveURL(new RegExp(`${list}/\\d+$`));
  }

  test("sees no edit or poll controls, and the API refuses admin and operator calls with 403", async ({ page }) => {
    await fleetPolled(page.request);
    await page.goto("/servers");
    await expect(page.getByTestId("server-row").first()).toBeVisible();
    await expect(page.getByTestId("poll-now")).toHaveCount(0);
    await expect(page.getByRole("form", { name: "Add server" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: /^Edit/ })).toHaveCount(0);

    await openFirst(page, "/servers", "server-row");
    await expect(page.getByTestId("instance-row").first()).toBeVisible();
    await expect(page.getByTestId("poll-now")).toHaveCount(0);
    await expect(page.getByRole("form", { name: "Edit server" })).toHaveCount(0);

    await openFirst(page, "/groups", "group-row");
    const groupId = Number(/\/groups\/(\d+)/.exec(page.url())![1]);
    await expect(page.getByTestId("effective-playbook-path")).toBeVisible();
    await expect(page.getByTestId("group-settings-form")).toHaveCount(0);
    await expect(page.getByTestId("catalog-settings-form")).toHaveCount(0);

    await page.getByTestId("instance-row").first().getByRole("link").nth(1).click();
    await expect(page.getByTestId("effective-playbook-path")).toBeVisible();
    await expect(page.getByTestId("instance-settings-form")).toHaveCount(0);

    const mutate = (procedure: string, input: unknown) =>
      page.request.post(`/api/trpc/${procedure}`, { data: { json: input } });
    const refused = await mutate("groups.updateSettings", {
      id: groupId,
      updatePlaybookPath: "/etc/ansible/viewer.yml",
    });
    expect(refused.status()).toBe(403);
    expect(JSON.stringify(await refused.json())).toContain("FORBIDDEN");
    expect((await mutate("servers.pollNow", { all: true })).status()).toBe(403);
    const group = await trpcGet<{ updatePlaybookPath: string | null }>(page.request, "groups.get", { id: groupId });
    expect(group.updatePlaybookPath).not.toBe("/etc/ansible/viewer.yml");
  });
});

test.describe("the main pages at desktop and phone widths", () => {
  test.use({ storageState: storageState("admin") });

  test("fit the window without sideways scrolling (screenshots in test-results/screenshots)", async ({ page }) => {
    test.setTimeout(180_000); // sixteen page loads and full-page screenshots: 20 s on an idle machine
    await fleetPolled(page.request);
    const groups = await trpcGet<{ items: { id: number; instances: number }[] }>(page.request, "groups.list", {
      pageSize: 200,
    });
    const group = [...groups.items].sort((a, b) => b.instances - a.instances)[0]!;
    const detail = await trpcGet<{ instances: { id: number; server: { id: number } }[] }>(page.request, "groups.get", {
      id: group.id,
    });
    const pages = {
      dashboard: "/",
      servers: "/servers",
      server: `/servers/${detail.instances[0]!.server.id}`,
      applications: "/applications",
      application: `/applications/${detail.instances[0]!.id}`,
      groups: "/groups",
      group: `/groups/${group.id}`,
      events: "/events",
    };
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, url] of Object.entries(pages)) {
        await page.goto(url);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await page.screenshot({ path: `test-results/screenshots/${name}-${width}.png`, fullPage: true });
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect.soft(overflow, `${url} at ${width} px scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
      }
    }
  });
});
