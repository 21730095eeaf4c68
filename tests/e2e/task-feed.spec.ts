// The task page without EventSource reads the log by polling (components/tasks/use-task-feed.ts).
// Once its session has ended that reader stops, instead of asking every 3 s for as long as the tab
// stays open (components/tasks/task-log-polling.ts). The page runs on Playwright's clock, so a
// minute of retries passes in an instant.
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { finishedTaskStatuses } from "@/lib/tasks";
import { storageState } from "./users";

// tools/e2e-server.ts serves version lists there (E2E_ARTIFACTS_PORT); importing that module would start a server.
const ARTIFACTS = "http://127.0.0.1:3197";

async function trpc<T>(request: APIRequestContext, procedure: string, input: unknown, method: "get" | "post") {
  const json = JSON.stringify({ json: input });
  const response =
    method === "get"
      ? await request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(json)}`)
      : await request.post(`/api/trpc/${procedure}`, { data: json, headers: { "content-type": "application/json" } });
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

/** A finished task to look at: started on a group of the e2e fleet and cancelled at once. */
async function finishedTask(operator: APIRequestContext, admin: APIRequestContext): Promise<string> {
  type Group = { id: number; name: string; instances: number };
  let group: Group | undefined;
  await expect(async () => {
    group = (await trpc<{ items: Group[] }>(operator, "groups.list", { pageSize: 200 }, "get")).items.find(
      (g) => g.instances >= 1,
    );
    expect(group).toBeDefined();
  }).toPass({ timeout: 30_000 });
  const artifactListUrl = `${ARTIFACTS}/json/${encodeURIComponent(group!.name)}.json`;
  const updatePlaybookPath = path.resolve("ansible/simulator-update.yml");
  await trpc(admin, "groups.updateSettings", { id: group!.id, updatePlaybookPath, artifactListUrl }, "post");
  const { id } = await trpc<{ id: string }>(
    operator,
    "tasks.start",
    { groupId: group!.id, targetVersion: "2.0.0", orchestrateHaproxy: false, drainDelaySec: 0, waitAfterUpdateSec: 0 },
    "post",
  );
  await trpc(operator, "tasks.cancel", { id, mode: "now" }, "post");
  await expect(async () => {
    const { status } = await trpc<{ status: string }>(operator, "tasks.get", { id }, "get");
    expect(finishedTaskStatuses).toContain(status);
  }).toPass({ timeout: 90_000 });
  return id;
}

test.describe("the task page's fallback reader", () => {
  test.use({ storageState: storageState("operator") });

  test("stops for good when its session has ended, instead of asking again every 3 s", async ({
    page,
    playwright,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const admin = await playwright.request.newContext({ baseURL, storageState: storageState("admin") });
    const id = await finishedTask(page.request, admin);
    await admin.dispose();

    await page.addInitScript(() => {
      delete (window as { EventSource?: unknown }).EventSource; // the page falls back to reading tasks.log
      const counter = window as unknown as { logReads: number };
      counter.logReads = 0;
      const fetch = window.fetch.bind(window);
      window.fetch = (input, init) => {
        const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
        if (url.includes("tasks.log")) counter.logReads++;
        return fetch(input, init);
      };
    });
    await page.clock.install();
    // The session ends once the page is served: its log reads reach the server without it, and
    // the real server answers UNAUTHORIZED.
    await page.route(
      (url) => url.pathname.includes("tasks.log"),
      async (route) => {
        await page.context().clearCookies();
        const { cookie: _, ...headers } = route.request().headers();
        await route.fulfill({ response: await route.fetch({ headers }) });
      },
    );
    await page.goto(`/tasks/${id}`);
    await expect(page.getByText(/Could not read the task: .+\(reload the page to try again\)/)).toBeVisible();
    const reads = () => page.evaluate(() => (window as unknown as { logReads: number }).logReads);
    expect(await reads()).toBe(1);

    await page.clock.runFor(60_000); // a reader that still retried would ask again within this minute
    expect(await reads()).toBe(1);
  });
});
