// The first update a new user tries works with no setting (issue "works on the first try"): the
// e2e server is configured as `npm start`'s demo (tools/demo-fleet.ts demoUpdateEnv), so a group
// nobody configured updates through the default playbook, the simulator's.
import { expect, test } from "@playwright/test";
import { storageState } from "./users";

type Group = { id: number; name: string; instances: number; online: number };

test.use({ storageState: storageState("operator") });

test("a group nobody configured updates from the UI with the default playbook", async ({ page }) => {
  test.setTimeout(180_000);
  let group: Group | undefined;
  await expect(async () => {
    const response = await page.request.get(
      `/api/trpc/groups.list?input=${encodeURIComponent(JSON.stringify({ json: { pageSize: 200 } }))}`,
    );
    const groups = ((await response.json()) as { result: { data: { json: { items: Group[] } } } }).result.data.json;
    // One online instance: one batch, and no other spec's group (they pick groups of 2 to 6).
    group = groups.items.find((g) => g.instances === 1 && g.online === 1);
    expect(group).toBeDefined();
  }).toPass({ timeout: 30_000 });

  await page.goto(`/groups/${group!.id}`);
  await page.getByRole("button", { name: `Update group ${group!.name}…` }).click();
  const dialog = page.getByRole("dialog", { name: `Update group ${group!.name}` });
  await dialog.getByLabel("Target version").fill("9.9.9");
  await dialog.getByRole("button", { name: "Preview plan" }).click();
  const plan = dialog.getByRole("table", { name: "Update plan" });
  await expect(plan).toContainText("ansible/simulator-update.yml");
  await expect(plan).toContainText("from global default");
  await dialog.getByRole("button", { name: "Start update…" }).click();
  const confirm = page.getByRole("dialog", {
    name: `Update 1 instance of group ${group!.name} to 9.9.9?`,
    exact: true,
  });
  await confirm.getByRole("button", { name: "Start update", exact: true }).click();

  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("task-status")).toHaveText("succeeded", { timeout: 150_000 });
  await page.getByRole("link", { name: group!.name }).first().click();
  await expect(page.getByTestId("instance-version")).toHaveText(["9.9.9"]);
});
