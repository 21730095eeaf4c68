// Alerts in the browser: an admin adds a rule, an instance the simulated agent reports as exited
// fires it after the next poll (tools/e2e-server.ts polls every 5 s), the nav badge counts it, an
// operator acknowledges and silences it (with the confirming step), and a viewer only reads.
import { expect, test, type Page } from "@playwright/test";
import { simulatorClient } from "../../tools/fagent-sim/client";
import { e2eUsers, storageState } from "./users";

// tools/e2e-server.ts's E2E_SIM_CONTROL_PORT; importing that module would start a server.
const simulator = simulatorClient("http://127.0.0.1:3199");
const AGENT = "srv-0005";
const APP = {
  container_name: "alerty_1",
  image: "registry.local/alerty:1.0",
  tag: "1.0",
  version: "1.0",
  status: "exited (1) 2 minutes ago",
};
const SUBJECT = `alerty_1 on ${AGENT}`;

const alertRow = (page: Page) => page.getByRole("row").filter({ hasText: SUBJECT });

test.describe.serial("alerts", () => {
  test.beforeAll(() => simulator.addApp(AGENT, "docker", APP));
  test.afterAll(() => simulator.removeApp(AGENT, "docker", APP.container_name));

  test.describe("as an admin", () => {
    test.use({ storageState: storageState("admin") });
    test("adds a rule that fires for the exited instance", async ({ page }) => {
      await page.goto("/alerts/rules");
      const form = page.getByRole("form", { name: "New rule" });
      // Kinds and scopes read as words, the API's identifiers stay underneath; each parameter has
      // its own labelled input, and a refused one is named in plain words next to it.
      await form.getByLabel("Kind").selectOption("group_online_low");
      await expect(form.getByLabel("Kind").locator("option:checked")).toHaveText("Too few instances online in a group");
      await expect(form).toContainText("API: kind group_online_low");
      await form.getByRole("combobox", { name: /^Scope/ }).selectOption({ label: "Group" });
      await expect(form).toContainText("API: scopeKind group");
      await form.getByRole("combobox", { name: /^Scope/ }).selectOption({ label: "Everything" });
      await form.getByLabel("Name").fill("e2e bad parameter");
      const params = form.getByRole("group", { name: "Parameters" });
      await expect(params.getByLabel("Lowest % online")).toHaveAttribute("max", "100");
      await form.getByRole("button", { name: "Create rule" }).click();
      await expect(params).toHaveAccessibleDescription(/give minOnline, minPercent or both/);
      await expect(form).not.toContainText("✖");

      // Another kind starts from its own defaults; an empty list is refused on that list.
      await form.getByLabel("Kind").selectOption("task_failed");
      await expect(params.getByLabel("Within (seconds)")).toHaveValue("86400");
      const outcomes = params.getByRole("group", { name: "Outcomes" });
      await outcomes.getByLabel("failed", { exact: true }).uncheck();
      await outcomes.getByLabel("interrupted", { exact: true }).uncheck();
      await form.getByRole("button", { name: "Create rule" }).click();
      await expect(outcomes).toHaveAccessibleDescription(/statuses needs at least 1 entry/);
      await expect(outcomes.getByLabel("failed", { exact: true })).toHaveAttribute("aria-invalid", "true");
      await expect(params.getByLabel("Within (seconds)")).not.toHaveAttribute("aria-invalid");

      await form.getByLabel("Name").fill("e2e exited now");
      await form.getByLabel("Kind").selectOption("instance_status");
      const statuses = params.getByRole("group", { name: "Statuses" });
      for (const status of ["unknown", "starting", "stopping", "no_data"])
        await statuses.getByLabel(status, { exact: true }).uncheck();
      await form.getByLabel("For (seconds)").fill("0");
      await form.getByRole("button", { name: "Create rule" }).click();
      const ruleRow = page.getByRole("table", { name: "Alert rules" }).getByRole("row", { name: /e2e exited now/ });
      await expect(ruleRow).toContainText("Instance in a given status");
      await expect(ruleRow).toContainText("instance_status");
      await expect(ruleRow).toContainText("Statuses: offline");
      // Editing reads the saved parameters back into the inputs.
      await ruleRow.getByRole("button", { name: "Edit" }).click();
      const saved = page.getByRole("form", { name: "Edit e2e exited now" }).getByRole("group", { name: "Statuses" });
      await expect(saved.getByLabel("offline", { exact: true })).toBeChecked();
      await expect(saved.getByLabel("unknown", { exact: true })).not.toBeChecked();
      await page.setViewportSize({ width: 390, height: 800 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.setViewportSize({ width: 1280, height: 720 });

      await expect(async () => {
        await page.goto(`/alerts?q=${encodeURIComponent("alerty_1")}`);
        await expect(alertRow(page)).toBeVisible({ timeout: 1000 });
      }).toPass({ timeout: 60_000 });
      // The kind filter and the table say kinds in the form's words.
      await expect(page.getByLabel("Kind").locator('option[value="instance_status"]')).toHaveText(
        "Instance in a given status",
      );
      await expect(alertRow(page)).toContainText("Instance in a given status");
      await expect(page.getByTestId("alerts-badge").filter({ visible: true })).toBeVisible();
    });
  });

  test.describe("as an operator", () => {
    test.use({ storageState: storageState("operator") });
    test("acknowledges, then silences after confirming", async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 800 });
      await page.goto(`/alerts?q=${encodeURIComponent("alerty_1")}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const row = alertRow(page);
      await row.getByRole("button", { name: "Acknowledge" }).click();
      await expect(row).toContainText(`acknowledged by ${e2eUsers.operator.login}`);

      await row.getByRole("button", { name: "Silence…" }).click();
      const form = row.getByRole("form", { name: "Silence" });
      await form.getByLabel("Reason").fill("e2e: replacing the disk");
      await form.getByRole("button", { name: "Silence", exact: true }).click();
      const confirm = page.getByTestId("confirm-dialog");
      await expect(confirm).toContainText("for 4 hours?");
      await confirm.getByRole("button", { name: "Silence for 4 hours" }).click();
      await expect(alertRow(page)).toHaveCount(0);

      await page.goto(`/alerts?view=silenced&q=${encodeURIComponent("alerty_1")}`);
      await expect(alertRow(page)).toContainText("silenced");
      await page.goto("/alerts?view=silences");
      await expect(page.getByRole("table", { name: "Silences" })).toContainText("e2e: replacing the disk");
    });
  });

  test.describe("as a viewer", () => {
    test.use({ storageState: storageState("viewer") });
    test("reads alerts, rules and channels without the buttons that change them", async ({ page }) => {
      await page.goto("/alerts?view=silenced");
      await expect(alertRow(page)).toBeVisible();
      await expect(page.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
      await page.goto("/alerts/rules");
      await expect(page.getByRole("form", { name: "New rule" })).toHaveCount(0);
      await page.goto("/alerts/channels");
      await expect(page.getByRole("heading", { name: "Notification channels" })).toBeVisible();
      await expect(page.getByRole("form", { name: "New channel" })).toHaveCount(0);
    });
  });
});
