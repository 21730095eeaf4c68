// The Audit page in the browser (docs/audit.md): an admin's change is listed, the filter narrows
// the list, the CSV link downloads the same rows; an operator sees only their own rows; a viewer
// has no Audit page.
import { expect, test } from "@playwright/test";
import { storageState } from "./users";

const TOKEN = `audit-e2e-${Date.now()}`;

test.describe("as an admin", () => {
  test.use({ storageState: storageState("admin") });

  test("finds a change by filter and downloads it as CSV", async ({ page }) => {
    const created = await page.request.post("/api/trpc/apiTokens.create", {
      data: { json: { name: TOKEN, role: "viewer" } },
    });
    expect(created.ok()).toBe(true);

    await page.goto("/audit");
    await page.getByLabel("Action", { exact: true }).fill("apiTokens.create");
    await page.getByLabel("Target").selectOption("api_token");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/action=apiTokens.create/);
    const row = page.getByTestId("audit-row").filter({ hasText: TOKEN });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("e2e-admin");
    await expect(row).toContainText("success");

    const csv = page.getByTestId("audit-csv");
    await expect(csv).toHaveAttribute("href", /\/api\/audit\/export\?.*action=apiTokens.create/);
    const response = await page.request.get((await csv.getAttribute("href"))!);
    expect(response.headers()["content-type"]).toMatch(/^text\/csv/);
    const text = await response.text();
    expect(text).toContain(TOKEN);
    expect(text.split("\r\n").filter((l) => l.includes('"apiTokens.create"')).length).toBeGreaterThanOrEqual(1);
  });
});

test.describe("as an operator", () => {
  test.use({ storageState: storageState("operator") });

  test("sees only their own rows", async ({ page }) => {
    // A row of their own. Live (0) is every user's default: another value would stay saved and
    // change how the operator's pages refresh in the specs that run after this one.
    const own = await page.request.post("/api/trpc/users.setRefreshInterval", { data: { json: { seconds: 0 } } });
    expect(own.ok()).toBe(true);
    await page.goto("/audit");
    await expect(page.getByTestId("audit-row").first()).toBeVisible();
    await expect(page.getByTestId("audit-row").filter({ hasText: "e2e-admin" })).toHaveCount(0);
    await expect(page.getByTestId("audit-row").filter({ hasText: "e2e-operator" }).first()).toBeVisible();
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageState("viewer") });

  test("has no Audit page", async ({ page }) => {
    await page.goto("/audit");
    await expect(page.getByRole("alert").filter({ hasText: "This page is for the operator role" })).toBeVisible();
    // The notice sits under the page's own heading, so the page still has one.
    await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Audit" })).toHaveCount(0);
  });
});
