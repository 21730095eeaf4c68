// An operator updates a whole group from the browser and watches the task complete: the group
// page lists the available versions, the dialog previews the plan, the task page shows steps,
// progress and the playbook's log live. ansible/simulator-update.yml "installs" through the simulator.
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { STEP_NAMES } from "@/server/tasks/plan-types";
import { storageState } from "./users";

// tools/e2e-server.ts serves version lists there (E2E_ARTIFACTS_PORT); importing that module would start a server.
const ARTIFACTS = "http://127.0.0.1:3197";

type Group = { id: number; name: string; instances: number; online: number };

const trpcGet = async <T>(request: APIRequestContext, procedure: string, input: unknown): Promise<T> => {
  const response = await request.get(
    `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
};

/** A group with several instances, as the e2e fleet's first polls find them. */
async function pickGroup(request: APIRequestContext): Promise<Group> {
  let best: Group | undefined;
  await expect(async () => {
    const groups = await trpcGet<{ items: Group[] }>(request, "groups.list", { pageSize: 200 });
    best = groups.items
      .filter((g) => g.instances >= 2 && g.instances <= 6)
      .sort((a, b) => b.online - a.online || b.instances - a.instances)[0];
    expect(best).toBeDefined();
  }).toPass({ timeout: 30_000 });
  return best!;
}

test.describe("update tasks, as an operator", () => {
  test.use({ storageState: storageState("operator") });

  test("starts a group update from the group page and watches it complete", async ({ page, playwright, baseURL }) => {
    test.setTimeout(180_000);
    const group = await pickGroup(page.request);
    // Set-up an admin does once: the group's playbook, its version list, batches of 2.
    const admin = await playwright.request.newContext({ baseURL, storageState: storageState("admin") });
    const settings = await admin.post("/api/trpc/groups.updateSettings", {
      data: {
        json: {
          id: group.id,
          updatePlaybookPath: path.resolve("ansible/simulator-update.yml"),
          artifactListUrl: `${ARTIFACTS}/json/${encodeURIComponent(group.name)}.json`,
          batchGroupingStrategy: "fixed_size",
          batchSize: 2,
        },
      },
    });
    expect(settings.ok()).toBe(true);
    await admin.dispose();

    await page.goto(`/groups/${group.id}`);
    const versions = page.getByTestId("available-versions");
    await expect(versions.getByRole("list", { name: "Versions, newest first" }).getByRole("listitem")).toHaveText([
      "2.1.0",
      "2.0.0",
      "2.0.0-rc.1",
      "1.0.0",
    ]);

    await page.getByRole("button", { name: `Update group ${group.name}…` }).click();
    const dialog = page.getByRole("dialog", { name: `Update group ${group.name}` });
    await dialog.getByLabel("Target version").fill("2.1.0");
    await dialog.getByLabel("Drain delay (s)").fill("0");
    await dialog.getByRole("button", { name: "Preview plan" }).click();
    const plan = dialog.getByRole("table", { name: "Update plan" });
    await expect(plan.getByTestId("plan-batch")).toHaveCount(Math.ceil(group.instances / 2));
    await expect(plan).toContainText("ansible/simulator-update.yml");
    await expect(plan).toContainText("from group");
    await dialog.getByRole("button", { name: "Start update…" }).click();
    // The shared confirmation, as for a rollout: group, version and instance count, batch by batch.
    const confirm = page.getByRole("dialog", {
      name: `Update ${group.instances} instances of group ${group.name} to 2.1.0?`,
      exact: true,
    });
    await expect(confirm.getByTestId("confirm-items").getByRole("listitem")).toHaveCount(
      Math.ceil(group.instances / 2),
    );
    await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    await expect(page).toHaveURL(new RegExp(`/groups/${group.id}$`)); // nothing started
    await dialog.getByRole("button", { name: "Start update…" }).click();
    await confirm.getByRole("button", { name: "Start update", exact: true }).click();

    await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { name: `Update ${group.name} to 2.1.0` })).toBeVisible();
    await expect(page.getByTestId("task-log")).toContainText("PLAY [Update application instances (simulated)]", {
      timeout: 60_000,
    });
    await expect(page.getByTestId("task-status")).toHaveText("succeeded", { timeout: 120_000 });
    await expect(page.getByTestId("task-progress")).toContainText(
      `${Math.ceil(group.instances / 2)} of ${Math.ceil(group.instances / 2)} batches done`,
    );
    await expect(page.getByRole("progressbar", { name: "Steps done" })).toHaveAttribute(
      "aria-valuenow",
      // Every step of every batch counts as done, the skipped ones (Eureka here) included.
      String(STEP_NAMES.length * Math.ceil(group.instances / 2)),
    );
    await expect(page.getByTestId("task-log")).toContainText("task succeeded");
    await expect(page.getByTestId("task-batch").first().getByTestId("step-confirm")).toHaveAttribute(
      "data-status",
      "succeeded",
    );

    // The group now runs the new version everywhere, and its tasks list shows this one.
    await page.getByRole("link", { name: group.name }).first().click();
    await expect(page.getByTestId("instance-version")).toHaveText(Array(group.instances).fill("2.1.0"));
    await expect(page.getByTestId("group-updates").getByTestId("task-row").first()).toContainText("succeeded");
    await page.getByRole("link", { name: "Tasks" }).click();
    await expect(page.getByTestId("task-row").first()).toContainText(group.name);
  });
});
