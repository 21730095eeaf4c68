// A failed update leaves its batch's HAProxy servers drained (the real HAProxy "lb1" of the e2e
// fleet); the task page lists them and an operator, on a 390 px phone, returns them to the pool
// and retries from the failed batch, each after a confirmation (docs/update-tasks.md, "After a
// failure or an interruption"). ansible/test-fail.yml fails on purpose; the retry runs simulator-update.yml.
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { storageState } from "./users";

type Plan = { batches: { instances: { haproxy: { label: string }[] }[] }[] };

const trpc = async <T>(request: APIRequestContext, procedure: string, input: unknown, method: "get" | "post") => {
  const body = JSON.stringify({ json: input });
  const response =
    method === "get"
      ? await request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(body)}`)
      : await request.post(`/api/trpc/${procedure}`, { data: body, headers: { "content-type": "application/json" } });
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
};

test.describe("a failed task's recovery, as an operator", () => {
  test.use({ storageState: storageState("operator"), viewport: { width: 390, height: 844 } });

  test("lists the servers left out of the pool, returns them, and retries from the failed batch", async ({
    page,
    playwright,
    baseURL,
  }) => {
    test.setTimeout(240_000);
    // A group whose first batch is behind lb1 (auto-mapped once HAProxy has been synced).
    let groupId = 0;
    await expect(async () => {
      const groups = await trpc<{ items: { id: number; instances: number }[] }>(
        page.request,
        "groups.list",
        { pageSize: 200 },
        "get",
      );
      for (const g of groups.items.filter((g) => g.instances >= 2)) {
        const plan = await trpc<Plan>(
          page.request,
          "tasks.preview",
          { groupId: g.id, targetVersion: "9.9.9", strategy: "fixed_size", batchSize: 2 },
          "post",
        );
        if (plan.batches[0]!.instances.every((i) => i.haproxy.length > 0)) {
          groupId = g.id;
          return;
        }
      }
      throw new Error("no group behind lb1 yet");
    }).toPass({ timeout: 90_000 });
    const admin = await playwright.request.newContext({ baseURL, storageState: storageState("admin") });
    const playbook = (file: string) =>
      trpc(
        admin,
        "groups.updateSettings",
        { id: groupId, updatePlaybookPath: path.resolve(`ansible/${file}`) },
        "post",
      );
    await playbook("test-fail.yml");

    const { id } = await trpc<{ id: string }>(
      page.request,
      "tasks.start",
      {
        groupId,
        targetVersion: "9.9.9",
        strategy: "fixed_size",
        batchSize: 2,
        drainDelaySec: 0,
        waitAfterUpdateSec: 0,
      },
      "post",
    );
    await page.goto(`/tasks/${id}`);
    await expect(page.getByTestId("task-status")).toHaveText("failed", { timeout: 120_000 });
    const recovery = page.getByTestId("task-recovery");
    await expect(recovery.getByRole("heading", { name: /HAProxy servers? out of the pool/ })).toBeVisible();
    const servers = await recovery.getByTestId("out-of-pool").getByRole("listitem").allTextContents();
    expect(servers.length).toBeGreaterThan(0);
    for (const label of servers) expect(label).toMatch(/^lb1\//);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // Keyboard: the button opens the confirmation; Escape (Cancel) changes nothing.
    await recovery.getByRole("button", { name: "Return these servers to the pool" }).press("Enter");
    const confirmReturn = page.getByRole("dialog", { name: /^Return \d+ servers? to the pool\?$/ });
    await expect(confirmReturn).toContainText(servers[0]!);
    await page.keyboard.press("Escape");
    await expect(confirmReturn).toBeHidden();
    await expect(recovery.getByTestId("out-of-pool").getByRole("listitem")).toHaveCount(servers.length);

    await recovery.getByRole("button", { name: "Return these servers to the pool" }).click();
    await confirmReturn.getByRole("button", { name: "Return to the pool" }).click();
    await expect(recovery).toContainText(`Back in the pool: ${servers.join(", ")}.`);
    await expect(recovery.getByTestId("out-of-pool")).toHaveCount(0);

    await playbook("simulator-update.yml");
    await admin.dispose();
    await recovery.getByRole("button", { name: "Retry from the failed batch" }).click();
    await page
      .getByRole("dialog", { name: /^Retry from batch 1 of \d+\?$/ })
      .getByRole("button", { name: "Start the retry" })
      .click();
    await expect(page).not.toHaveURL(new RegExp(id));
    await expect(page.getByTestId("task-recovery")).toContainText(`Retry of task ${id.slice(0, 8)}`);
    await expect(page.getByTestId("task-status")).toHaveText("succeeded", { timeout: 150_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The task drained through its job: the audit log names it and says it is AC, not a person.
    await page.goto(`/audit?actor=${encodeURIComponent("job:update-task")}`);
    const jobRow = page.getByTestId("audit-row").first();
    await expect(jobRow).toContainText("job:update-task");
    await expect(jobRow).toContainText("AC itself (a background job)");
  });
});
