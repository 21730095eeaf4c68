// The status map in the browser: an agent reports a status AC does not know, the dashboard
// lists it with its count, an admin maps it from there, and the next poll stores the mapped
// status. The fleet is tools/e2e-server.ts's (polled every 5 s); the app added here is removed after.
import { expect, test, type Page } from "@playwright/test";
import { simulatorClient } from "../../tools/fagent-sim/client";
import { storageState } from "./users";

// tools/e2e-server.ts's E2E_SIM_CONTROL_PORT; importing that module would start a server.
const simulator = simulatorClient("http://127.0.0.1:3199");
const AGENT = "srv-0006";
// Two groups of one instance each, so tasks.spec.ts (groups of 2–6) never picks them after removal.
const APPS = [
  {
    container_name: "quirky-a_1",
    image: "registry.local/quirky-a:1.0",
    tag: "1.0",
    version: "1.0",
    status: "Frobbing 3 hours",
  },
  {
    container_name: "quirky-b_1",
    image: "registry.local/quirky-b:1.0",
    tag: "1.0",
    version: "1.0",
    status: "frobbing",
  },
];

const unknownRow = (page: Page) => page.getByTestId("unknown-status").filter({ hasText: "frobbing" });

test.describe("unknown statuses and the status map", () => {
  test.beforeAll(async () => {
    for (const app of APPS) await simulator.addApp(AGENT, "docker", app);
  });
  test.afterAll(async () => {
    for (const app of APPS) await simulator.removeApp(AGENT, "docker", app.container_name);
  });

  test.describe("as a viewer", () => {
    test.use({ storageState: storageState("viewer") });

    test("sees the unknown status with its count, but no link to map it and no status map page", async ({ page }) => {
      await expect(async () => {
        await page.goto("/");
        await expect(unknownRow(page)).toContainText("2 instances", { timeout: 1_000 });
      }).toPass({ timeout: 30_000 });
      await expect(unknownRow(page).getByRole("link", { name: "Map it" })).toHaveCount(0);
      await page.goto("/admin/status-map");
      await expect(page.getByRole("alert").filter({ hasText: "This page is for the admin role" })).toBeVisible();
      await expect(page.getByRole("form")).toHaveCount(0);
    });
  });

  test.describe("as an admin", () => {
    test.use({ storageState: storageState("admin") });

    test("maps it from the dashboard, and the next poll stores the mapped status", async ({ page }) => {
      await expect(async () => {
        await page.goto("/");
        await expect(unknownRow(page)).toContainText("2 instances", { timeout: 1_000 });
      }).toPass({ timeout: 30_000 });
      await expect(unknownRow(page)).toContainText("docker");
      await unknownRow(page).getByRole("link", { name: "Map it" }).click();

      await expect(page).toHaveURL(/\/admin\/status-map\?/);
      const form = page.getByRole("form", { name: "Map a status" });
      await expect(form.getByLabel("Agent status (case ignored)")).toHaveValue("frobbing");
      await expect(form.getByLabel("App type")).toHaveValue("docker");
      await form.getByLabel("AC status").selectOption("offline");
      await form.getByRole("button", { name: "Save" }).click();
      await expect(form.getByRole("status")).toContainText("docker “frobbing” → offline");
      const entry = page.getByTestId("status-mapping").filter({ hasText: "frobbing" });
      await expect(entry).toContainText("offline");

      // The next poll applies it: the dashboard no longer lists the status.
      await expect(async () => {
        await page.goto("/");
        await expect(page.getByRole("heading", { name: "Statuses read as unknown" })).toBeVisible({ timeout: 1_000 });
        await expect(unknownRow(page)).toHaveCount(0, { timeout: 1_000 });
      }).toPass({ timeout: 30_000 });

      // The instance page shows the mapped status beside what the agent sent.
      await page.goto("/applications?q=quirky-a_1");
      await page.getByTestId("instance-row").getByRole("link", { name: "quirky-a_1" }).click();
      await expect(page.getByTestId("instance-raw-status")).toHaveText("agent reports Frobbing 3 hours");
      await expect(page.getByRole("heading", { name: "quirky-a_1" }).locator("..")).toContainText("offline");

      // Delete the entry so the other specs see the fleet as they expect it.
      await page.goto("/admin/status-map");
      await expect(page.getByTestId("status-map-help")).toContainText("turns what an agent reports");
      await page.getByRole("button", { name: "Delete docker frobbing" }).click();
      await page
        .getByRole("dialog", { name: "Delete the mapping docker frobbing?" })
        .getByRole("button", { name: "Delete" })
        .click();
      await expect(page.getByTestId("status-mapping")).toHaveCount(0);
    });
  });
});
